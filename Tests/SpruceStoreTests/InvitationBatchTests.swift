import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Invitation batches in the store: set-based, decided as one request at a time")
struct InvitationBatchTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// The same history in a store: delivered invitations to `a@` (with phone P1) and `w@`/P2, an undelivered one to
    /// `b@`, invitations made outside the delivery flow (no channels) to `z@`/P2 (newer than `w@`) and `o@`, and
    /// `d@` and P3 opted out.
    func seed(_ store: SpruceStore) async throws -> (OrganizationID, LinkCode) {
        let (organization, link) = try await store.createOrganization(sampleProfile())
        for (email, phone, delivered) in [
            ("a@example.com", "+12175550101", true), ("w@example.com", "+12175550102", true),
            ("b@example.com", nil, false),
        ] as [(String, String?, Bool)] {
            guard
                case .created(let record, _) = try await store.prepareInvitation(
                    link: link.code, recipient: InvitationRecipient(email: email, phone: phone), channels: [.email],
                    invitedBy: "seed", at: now)
            else { throw ScratchError(description: "seed \(email) was not created") }
            if delivered { try await store.markDelivered(record.invitation.id, channel: .email, at: now) }
        }
        // A second valid invitation to P2, newer than w@'s, as the API made them before it shared the invitation
        // rules: written straight into the table, since the one invitation operation refuses it now.
        try await store.transaction { database in
            guard let practice = try await SpruceStore.link(code: link.code, in: database) else {
                throw ScratchError(description: "seed link is missing")
            }
            _ = try await SpruceStore.insertInvitations(
                [
                    InvitationRequest(
                        recipient: InvitationRecipient(email: "z@example.com", phone: "+12175550102"), channels: [])
                ],
                link: practice, invitedBy: nil, lifetime: Invitation.defaultLifetime,
                codeKey: store.connectCodeKey, at: now, in: database)
        }
        _ = try await store.invite(link: link.code, recipient: InvitationRecipient(email: "o@example.com"), at: now)
        try await store.optOut(address: "d@example.com", at: now)
        try await store.optOut(address: "+12175550103", at: now)
        return (organization.id, link.code)
    }

    var requests: [InvitationRequest] {
        [
            ("a@example.com", nil, [.email]),  // delivered: already invited, or revoked and made again
            ("b@example.com", nil, [.email]),  // undelivered
            ("d@example.com", nil, [.email]),  // opted out
            ("x@example.com", "+12175550103", [.email]),  // phone opted out
            ("e@example.com", "+12175550104", [.email, .text]),  // new
            ("e@example.com", nil, [.email]),  // made earlier in the batch
            ("f@example.com", "+12175550104", [.email]),  // shares the phone of the one made earlier
            ("a@example.com", "+12175550101", [.email]),  // the one made earlier in the batch when resending
            ("g@example.com", "+12175550102", [.email]),  // the newer of two valid ones by phone (no channels)
            ("h@example.com", nil, [.text]),  // no phone: fails alone
            ("o@example.com", nil, [.email]),  // made outside the delivery flow: no channels
            ("i@example.com", nil, [.email]),  // new
        ].map { (email: String, phone: String?, channels: [InvitationChannel]) in
            InvitationRequest(recipient: InvitationRecipient(email: email, phone: phone), channels: channels)
        }
    }

    /// What a decision and the stored state say, without the random tokens.
    static func summary(_ result: Result<InvitationPreparation, StoreError>) -> String {
        func describe(_ record: InvitationRecord) -> String {
            let invitation = record.invitation
            return "\(invitation.id) \(invitation.recipient.email ?? "-") \(invitation.recipient.phone ?? "-") "
                + "\(record.channels.map(\.rawValue)) undelivered \(record.undeliveredChannels.map(\.rawValue)) "
                + "by \(record.invitedBy ?? "-") tags \(invitation.tags.map(\.rawValue)) "
                + "\(invitation.createdAt.timeIntervalSince1970)-\(invitation.expiresAt.timeIntervalSince1970)"
        }
        switch result {
        case .failure(let error): return "failed \(error)"
        case .success(.optedOut(let address)): return "opted out \(address)"
        case .success(.created(let record, _)): return "created \(describe(record))"
        case .success(.undelivered(let record)): return "undelivered \(describe(record))"
        case .success(.alreadyInvited(let record)): return "already invited \(describe(record))"
        }
    }

    static func state(_ store: SpruceStore, _ organization: OrganizationID) async throws -> [String] {
        try await store.invitationRecords(of: organization).map { record in
            "\(record.invitation.id) \(record.invitation.recipient.email ?? "-") revoked \(record.invitation.revokedAt != nil) "
                + "\(record.channels.map(\.rawValue))"
        }
    }

    @Test(
        "a batch decides and records exactly what the same requests one at a time do", arguments: TestEngine.all,
        [false, true])
    func batchMatchesOneAtATime(engine: TestEngine, resend: Bool) async throws {
        let requests = self.requests
        let (single, singleState) = try await withStore(engine) { store, _ in
            let (organization, link) = try await seed(store)
            var results: [Result<InvitationPreparation, StoreError>] = []
            for request in requests {
                do throws(any Error) {
                    results.append(
                        .success(
                            try await store.prepareInvitation(
                                link: link, recipient: request.recipient, channels: request.channels, invitedBy: "desk",
                                resend: resend, at: now)))
                } catch let error as StoreError {
                    results.append(.failure(error))
                }
            }
            return (results.map(Self.summary), try await Self.state(store, organization))
        }
        let (batch, batchState) = try await withStore(engine) { store, _ in
            let (organization, link) = try await seed(store)
            let results = try await store.prepareInvitations(
                link: link, requests: requests, invitedBy: "desk", resend: resend, at: now)
            return (results.map(Self.summary), try await Self.state(store, organization))
        }
        #expect(batch == single)
        #expect(batchState == singleState)

        let kinds = batch.map { $0.split(separator: " ").prefix(3).joined(separator: " ") }
        let expected =
            resend
            ? [
                "created 6 a@example.com", "undelivered 3 b@example.com", "opted out d@example.com",
                "opted out +12175550103", "created 7 e@example.com", "undelivered 7 e@example.com",
                "undelivered 7 e@example.com", "undelivered 6 a@example.com", "created 8 g@example.com",
                "failed phone: is", "created 9 o@example.com", "created 10 i@example.com",
            ]
            : [
                "already invited 1", "undelivered 3 b@example.com", "opted out d@example.com",
                "opted out +12175550103", "created 6 e@example.com", "undelivered 6 e@example.com",
                "undelivered 6 e@example.com", "already invited 1", "already invited 4", "failed phone: is",
                "already invited 5", "created 7 i@example.com",
            ]
        #expect(kinds == expected)
    }

    @Test("bulk statements split past the bind limits: 1 200 recipients in one call", arguments: TestEngine.all)
    func largeBatch(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, link) = try await store.createOrganization(sampleProfile())
            let requests = (0..<1_200).map { index in
                InvitationRequest(
                    recipient: InvitationRecipient(
                        email: "p\(index)@example.com", phone: "+1217556\(String(format: "%04d", index))"),
                    channels: [.email])
            }
            let first = try await store.prepareInvitations(link: link.code, requests: requests, invitedBy: nil, at: now)
            let created = first.compactMap { result -> InvitationRecord? in
                guard case .success(.created(let record, _)) = result else { return nil }
                return record
            }
            #expect(created.count == 1_200)
            #expect(Set(created.map(\.invitation.id)).count == 1_200)
            #expect(created.map(\.invitation.recipient) == requests.map(\.recipient))
            try await store.markDelivered(created.map { InvitationDelivery($0.invitation.id, .email) }, at: now)
            let again = try await store.prepareInvitations(link: link.code, requests: requests, invitedBy: nil, at: now)
            let matched = again.compactMap { result -> InvitationID? in
                guard case .success(.alreadyInvited(let record)) = result else { return nil }
                return record.invitation.id
            }
            #expect(matched == created.map(\.invitation.id))
            #expect(
                try await store.invitationRecords(of: organization.id).allSatisfy { $0.undeliveredChannels.isEmpty })
        }
    }

    @Test("on SQLite, the valid-invitation lookups use the (organization, email) and (organization, phone) indexes")
    func lookupsUseIndexes() async throws {
        try await withStore(.sqlite) { store, _ in
            for (column, index) in [
                ("recipient_email", "invitations_by_email"), ("recipient_phone", "invitations_by_phone"),
            ] {
                let plan = try await store.read { database in
                    try await database.raw(
                        """
                        EXPLAIN QUERY PLAN SELECT id FROM invitations WHERE organization_id = 1 \
                        AND \(unsafeRaw: column) IN ('a', 'b', 'c') AND used_at IS NULL AND revoked_at IS NULL \
                        AND expires_at > 0
                        """
                    ).all().map { try $0.decode(column: "detail", as: String.self) }
                }
                #expect(plan.contains { $0.contains(index) }, "\(plan)")
            }
        }
    }
}
