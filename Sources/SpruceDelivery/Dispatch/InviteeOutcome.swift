import SpruceCore

/// What the batch path did with one row of an invitee list: sent, skipped (opted out, already invited) or failed,
/// with the reason a person reads in the result table and the report.
public struct InviteeOutcome: Sendable {
    public enum Status: String, Sendable {
        case sent, skipped, failed
    }

    public let row: InviteeList.Row
    public let status: Status
    /// The invitation recorded for a sent row.
    public let invitationID: InvitationID?
    /// Why a row was skipped or failed; the delivery warnings of a sent one.
    public let reason: String

    public init(row: InviteeList.Row, status: Status, invitationID: InvitationID?, reason: String) {
        self.row = row
        self.status = status
        self.invitationID = invitationID
        self.reason = reason
    }

    /// The row's line of the CSV report (without its line break).
    public var reportLine: String {
        InvitationReport.line(row: row, status: status.rawValue, invitationID: invitationID, reason: reason)
    }

    /// The whole CSV report of `outcomes`: the header, then one CRLF-terminated line a row.
    public static func report(_ outcomes: some Sequence<InviteeOutcome>) -> String {
        var report = InvitationReport.header + "\r\n"
        for outcome in outcomes { report += outcome.reportLine + "\r\n" }
        return report
    }
}
