import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

extension InviteCommand {
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's invitations, newest first.")

        @OptionGroup var database: DatabaseOptions

        @Option(help: "The id of the organization.")
        var org: Int64

        @Option(help: "Only invitations in this state: pending, accepted, expired or revoked.")
        var status: InvitationState?

        @Flag(help: "Print the invitations as JSON.")
        var json = false

        func run() async throws {
            let now = Date()
            let records = try await database.withStore { store in
                try await store.invitationRecords(of: OrganizationID(rawValue: org))
            }.filter { status == nil || $0.invitation.state(at: now) == status }
            let summaries = records.map { InvitationSummary($0, at: now) }
            if json {
                try JSONOutput.print(summaries)
                return
            }
            for summary in summaries {
                var parts = [
                    "#\(summary.id)", summary.status, summary.recipient,
                    "expires \(summary.expiresAt.formatted(.iso8601))",
                ]
                if !summary.delivered.isEmpty { parts.append("delivered: " + summary.delivered.joined(separator: ",")) }
                if let by = summary.invitedBy { parts.append("by \(by)") }
                print(parts.joined(separator: "  "))
            }
        }
    }
}

/// An invitation as `invite list` prints it.
struct InvitationSummary: Encodable {
    let id: Int64
    let status: String
    let recipient: String
    let name: String?
    let email: String?
    let phone: String?
    let tags: [String]
    let channels: [String]
    let delivered: [String]
    let invitedBy: String?
    let createdAt: Date
    let expiresAt: Date
    let remindedAt: Date?

    init(_ record: InvitationRecord, at now: Date) {
        let invitation = record.invitation
        self.id = invitation.id.rawValue
        let state = invitation.state(at: now)
        self.status = state.rawValue
        self.recipient = InviteText.recipient(invitation.recipient)
        self.name = invitation.recipient.name
        self.email = invitation.recipient.email
        self.phone = invitation.recipient.phone
        self.tags = invitation.tags.map(\.rawValue)
        self.channels = record.channels.map(\.rawValue)
        self.delivered = record.channels.filter { record.deliveredAt($0) != nil }.map(\.rawValue)
        self.invitedBy = record.invitedBy
        self.createdAt = invitation.createdAt
        self.expiresAt = invitation.expiresAt
        self.remindedAt = record.remindedAt
    }
}

extension InvitationState: ExpressibleByArgument {}
