import Foundation
import SwiftCSV

/// The rows of a batch-invitation CSV file: a `name,email,phone` header (any order, any case, extra columns
/// ignored), UTF-8 with or without a byte-order mark, fields quoted per RFC 4180 (parsed by SwiftCSV).
///
/// Each row is validated on its own: a bad row becomes a ``Row`` with an error and the rest go on.
public struct InviteeList: Sendable {
    /// One data row. `number` counts records as a spreadsheet shows them: the header is row 1.
    public struct Row: Sendable {
        public let number: Int
        public let name: String
        public let email: String
        public let phone: String
        /// The validated recipient, or why the row was refused.
        public let recipient: Result<InvitationRecipient, InvitationInputError>
    }

    public let rows: [Row]

    /// Parses `data`.
    /// - Parameter defaultRegion: the region for phone numbers written without a country code.
    /// - Throws: ``InvitationInputError`` with field `csv` when the file is not UTF-8, does not parse, or lacks
    ///   both an `email` and a `phone` column.
    public init(data: Data, defaultRegion: String = "US") throws(InvitationInputError) {
        guard var text = String(data: data, encoding: .utf8) else {
            throw InvitationInputError(field: "csv", rule: "is not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        let csv: EnumeratedCSV
        do { csv = try EnumeratedCSV(string: text, delimiter: .comma, loadColumns: false) } catch {
            throw InvitationInputError(field: "csv", rule: "does not parse: \(error)")
        }
        let header = csv.header.map { $0.trimmingWhitespace().lowercased() }
        let nameColumn = header.firstIndex(of: "name")
        let emailColumn = header.firstIndex(of: "email")
        let phoneColumn = header.firstIndex(of: "phone")
        guard emailColumn != nil || phoneColumn != nil else {
            throw InvitationInputError(
                field: "csv", rule: "the header needs an email or a phone column (name,email,phone)")
        }
        func field(_ row: [String], _ column: Int?) -> String {
            guard let column, column < row.count else { return "" }
            return row[column].trimmingWhitespace()
        }
        var rows: [Row] = []
        rows.reserveCapacity(csv.rows.count)
        for (index, fields) in csv.rows.enumerated() {
            // A blank line (one empty field) is not a record; ",," is, and is reported as missing both addresses.
            if fields.count == 1, fields[0].trimmingWhitespace().isEmpty { continue }
            let name = field(fields, nameColumn)
            let email = field(fields, emailColumn)
            let phone = field(fields, phoneColumn)
            let recipient = Result { () throws(InvitationInputError) in
                try InvitationRecipient.validated(name: name, email: email, phone: phone, defaultRegion: defaultRegion)
            }
            rows.append(Row(number: index + 2, name: name, email: email, phone: phone, recipient: recipient))
        }
        self.rows = rows
    }
}
