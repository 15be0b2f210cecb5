import Foundation

/// The CSV report of a batch of invitations, one line per row of the uploaded list: what `sprucelink invite batch
/// --report` writes and the workspace offers for download.
public enum InvitationReport {
    public static let header = "row,name,email,phone,status,invitation_id,reason"

    /// One report line (without its line break) for a row of the list.
    public static func line(row: InviteeList.Row, status: String, invitationID: InvitationID?, reason: String)
        -> String
    {
        [
            String(row.number), row.name, row.email, row.phone, status,
            invitationID.map { String($0.rawValue) } ?? "", reason,
        ].map(cell).joined(separator: ",")
    }

    /// A report cell: a field a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
    /// carriage return) gets a leading `'`, so opening the report never runs what a CSV row's author wrote; then
    /// RFC 4180 quoting.
    public static func cell(_ field: String) -> String {
        guard let first = field.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
            return quoted(field)
        }
        return quoted("'" + field)
    }

    /// RFC 4180 quoting: fields with a comma, quote or line break are quoted, quotes doubled.
    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
