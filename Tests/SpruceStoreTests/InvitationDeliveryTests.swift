import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Invitation delivery bookkeeping in the store")
struct InvitationDeliveryTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(
        "an invitation counts as sent in its link's funnel at its first delivery, once, on the organization's day",
        arguments: TestEngine.all)
    func countedAsSent(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, link) = try await store.createOrganization(sampleProfile())
            try await store.setFunnelTimeZone(
                try FunnelTimeZone("Pacific/Kiritimati"), organization: organization.id, in: .everyOrganization)
            var ids: [InvitationID] = []
            for index in 0..<3 {
                guard
                    case .created(let record, _) = try await store.prepareInvitation(
                        link: link.code,
                        recipient: InvitationRecipient(email: "p\(index)@example.com", phone: "+1217555010\(index)"),
                        channels: [.email, .text].prefix(index == 0 ? 2 : 1).map { $0 }, invitedBy: nil, at: now)
                else {
                    Issue.record("expected created")
                    return
                }
                ids.append(record.invitation.id)
            }
            try await store.markDelivered(ids[0], channel: .email, at: now)
            try await store.markDelivered(ids[0], channel: .text, at: now)
            try await store.markDelivered(ids.dropFirst().map { InvitationDelivery($0, .email) }, at: now)
            try await store.markDelivered(ids.map { InvitationDelivery($0, .email) }, at: now)

            // 1 800 000 000 s is 2027-01-15 08:00 UTC, already 2027-01-15 22:00 at UTC+14.
            let zone = try FunnelTimeZone("Pacific/Kiritimati").timeZone
            let day = LocalDay(now, in: zone)
            let report = try await store.linkFunnel(
                code: link.code, range: FunnelRange(from: day.adding(days: -1), to: day.adding(days: 1)),
                grouping: .day, in: .everyOrganization)
            #expect(report.periods.map { $0.counts[.invitationSent] } == [0, 3, 0])
        }
    }

    @Test(
        "recorded before delivery, marked after; a second prepare sees undelivered, then already invited",
        arguments: TestEngine.all)
    func recordThenMark(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(sampleProfile())
            let recipient = InvitationRecipient(name: "Ana", email: "ana@example.com", phone: "+12175550100")
            guard
                case .created(let record, let token) = try await store.prepareInvitation(
                    link: link.code, recipient: recipient, channels: [.email, .text], invitedBy: "desk", at: now)
            else {
                Issue.record("expected created")
                return
            }
            #expect(record.invitedBy == "desk")
            #expect(record.undeliveredChannels == [.email, .text])
            guard
                case .undelivered(let again) = try await store.prepareInvitation(
                    link: link.code, recipient: InvitationRecipient(phone: "+12175550100"), channels: [.text],
                    invitedBy: nil, at: now)
            else {
                Issue.record("expected undelivered")
                return
            }
            #expect(again.invitation.id == record.invitation.id)
            try await store.markDelivered(record.invitation.id, channel: .email, at: now)
            try await store.markDelivered(record.invitation.id, channel: .text, at: now)
            guard
                case .alreadyInvited = try await store.prepareInvitation(
                    link: link.code, recipient: recipient, channels: [.email], invitedBy: nil, at: now)
            else {
                Issue.record("expected alreadyInvited")
                return
            }

            // The link resolves once, is used, then says used.
            guard case .found = try await store.resolve(invitation: token, at: now) else {
                Issue.record("expected found")
                return
            }
            try await store.acceptInvitation(token, at: now)
            #expect(try await store.resolve(invitation: token, at: now) == .invitationAccepted)
        }
    }

    @Test(
        "a link-only invitation (the API's) refuses opted out and already invited; others' links are not found",
        arguments: TestEngine.all)
    func linkOnlyRules(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, link) = try await store.createOrganization(sampleProfile())
            let (_, other) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            try await store.optOut(address: "gone@example.com", at: now)
            let optedOut = try await store.prepareInvitation(
                link: link.code, recipient: InvitationRecipient(email: "gone@example.com"), channels: [],
                invitedBy: nil, in: .only(oak.id), at: now)
            #expect(optedOut.refusal == .optedOut(address: "gone@example.com"))
            #expect(optedOut.refusal?.field == "email")

            let fay = InvitationRecipient(email: "fay@example.com")
            guard
                case .created(let record, _) = try await store.prepareInvitation(
                    link: link.code, recipient: fay, channels: [], invitedBy: nil, in: .only(oak.id), at: now)
            else {
                Issue.record("expected created")
                return
            }
            #expect(record.channels.isEmpty)
            let twice = try await store.prepareInvitation(
                link: link.code, recipient: fay, channels: [], invitedBy: nil, in: .only(oak.id), at: now)
            #expect(twice.refusal == .alreadyInvited(record.invitation.id))
            // Never due for a reminder: it was not delivered by us.
            #expect(
                try await store.invitationsDueForReminder(in: .everyOrganization, createdBefore: now, at: now).isEmpty)

            await #expect(throws: StoreError.linkNotFound) {
                _ = try await store.prepareInvitation(
                    link: other.code, recipient: InvitationRecipient(email: "hal@example.com"), channels: [],
                    invitedBy: nil, in: .only(oak.id), at: now)
            }
            #expect(try await store.invitations(of: oak.id).map(\.id) == [record.invitation.id])
        }
    }

    @Test(
        "re-keying replaces the token: the old one stops resolving; a reminder is recorded once",
        arguments: TestEngine.all)
    func rekey(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(sampleProfile())
            guard
                case .created(let record, let old) = try await store.prepareInvitation(
                    link: link.code, recipient: InvitationRecipient(email: "b@example.com"), channels: [.email],
                    invitedBy: nil, at: now)
            else {
                Issue.record("expected created")
                return
            }
            try await store.markDelivered(record.invitation.id, channel: .email, at: now)
            let later = now.addingTimeInterval(4 * 86_400)
            let due = try await store.invitationsDueForReminder(
                in: .everyOrganization, createdBefore: later.addingTimeInterval(-3 * 86_400), at: later)
            #expect(due.map(\.invitation.id) == [record.invitation.id])
            let fresh = try #require(
                try await store.rekeyInvitation(id: record.invitation.id, reminder: true, at: later))
            #expect(try await store.rekeyInvitation(id: record.invitation.id, reminder: true, at: later) == nil)
            #expect(try await store.resolve(invitation: old, at: later) == .notFound)
            guard case .found = try await store.resolve(invitation: fresh, at: later) else {
                Issue.record("expected found")
                return
            }
            #expect(
                try await store.invitationsDueForReminder(in: .everyOrganization, createdBefore: later, at: later)
                    .isEmpty)
        }
    }

    @Test(
        "opted-out addresses are never invited again and their pending invitations are revoked",
        arguments: TestEngine.all)
    func optOut(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(sampleProfile())
            let recipient = InvitationRecipient(email: "c@example.com", phone: "+12175550101")
            _ = try await store.prepareInvitation(
                link: link.code, recipient: recipient, channels: [.email], invitedBy: nil, at: now)
            #expect(try await store.optOut(address: "+12175550101", at: now) == 1)
            guard
                case .optedOut(let address) = try await store.prepareInvitation(
                    link: link.code, recipient: recipient, channels: [.email], invitedBy: nil, resend: true, at: now)
            else {
                Issue.record("expected optedOut")
                return
            }
            #expect(address == "+12175550101")
        }
    }
}
