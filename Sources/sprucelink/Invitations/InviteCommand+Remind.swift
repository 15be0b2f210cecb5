import ArgumentParser
import Foundation
import SpruceCore
import SpruceDelivery
import SpruceStore

extension InviteCommand {
    struct Remind: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-send, once, the invitations that are still pending after a while.",
            discussion: """
                Each reminder carries a fresh link (tokens are stored only as digests, so the first link cannot be \
                repeated; it stops working). An invitation is reminded at most once; opted-out recipients never.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var delivery: DeliveryOptions

        @Option(
            help: ArgumentHelp("Remind invitations made at least this long ago: 3d, 12h, 2w, 90m.", valueName: "age"))
        var olderThan: String

        @Option(help: "Only this organization's invitations.")
        var org: Int64?

        func run() async throws {
            let age = try Self.parseAge(olderThan)
            let now = Date()
            var counts = (sent: 0, skipped: 0, failed: 0)
            try await database.withStore { store in
                let dispatcher = try await delivery.dispatcher(store: store)
                let due = try await store.invitationsDueForReminder(
                    in: org.map { .only(OrganizationID(rawValue: $0)) } ?? .everyOrganization,
                    createdBefore: now.addingTimeInterval(-age),
                    at: now)
                var names: [OrganizationID: String] = [:]
                for record in due {
                    let organizationID = record.invitation.organizationID
                    if names[organizationID] == nil {
                        names[organizationID] = try await store.organization(id: organizationID)?.profile.displayName
                    }
                    switch await dispatcher.remind(record, practiceName: names[organizationID] ?? "your practice") {
                    case .sent: counts.sent += 1
                    case .skipped: counts.skipped += 1
                    case .failed(let reason):
                        counts.failed += 1
                        Terminal.printError("invitation \(record.invitation.id): \(reason)")
                    }
                }
            }
            print("reminded \(counts.sent), skipped \(counts.skipped), failed \(counts.failed)")
            if counts.failed > 0 { throw ExitCode(2) }
        }

        /// `3d`, `12h`, `90m`, `2w` in seconds.
        static func parseAge(_ text: String) throws -> TimeInterval {
            let units: [Character: TimeInterval] = ["m": 60, "h": 3600, "d": 86_400, "w": 604_800]
            guard let unit = text.last, let seconds = units[unit], let amount = Int(text.dropLast()), amount >= 0
            else {
                throw UsageError("--older-than: \"\(text)\" must be a whole number followed by m, h, d or w (e.g. 3d)")
            }
            return TimeInterval(amount) * seconds
        }
    }
}
