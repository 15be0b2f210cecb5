import Foundation
import NIOPosix
import SpruceCore
import SpruceDelivery
import SpruceStore
import Testing

@Suite("The dispatcher delivers through the outbox on its thread pool")
struct DispatcherTests {
    /// A fresh folder with an SQLite store holding one practice, and the outbox folder in it.
    static func withPractice(
        _ body: (SpruceStore, LinkCode, String) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = try await SpruceStore.open(
            .sqlite(path: folder.appendingPathComponent("s.sqlite").path),
            settings: StoreSettings(signingKey: .random()))
        do {
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
            try await body(store, link.code, folder.appendingPathComponent("outbox").path)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    static func dispatcher(_ store: SpruceStore, _ outbox: String, pool: NIOThreadPool) async throws
        -> InvitationDispatcher
    {
        try await InvitationDispatcher(
            store: store, outbox: try await Outbox.make(directory: outbox, syncsToDisk: false, on: pool),
            from: try MailboxAddress(parsing: "Spruce <invitations@spruce.care>"), publicURL: "https://spruce.care",
            templates: try await InvitationTemplates.read(on: pool), invitedBy: "test", threadPool: pool,
            renderQR: { _ in [0x89, 0x50, 0x4E, 0x47] })
    }

    @Test("one recipient: the email lands in new/ and the store marks it delivered")
    func sendsOne() async throws {
        try await Self.withPractice { store, code, outbox in
            let dispatcher = try await Self.dispatcher(store, outbox, pool: .singleton)
            let outcome = await dispatcher.send(
                link: code, practiceName: "Oak Street Pediatrics",
                recipient: InvitationRecipient(name: "Ana", email: "ana@example.com"), requested: [.email])
            guard case .sent(let record, _) = outcome else {
                Issue.record("expected sent, got \(outcome)")
                return
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: outbox + "/new").count == 1)
            let stored = try await store.invitationRecords(of: record.invitation.organizationID)
            #expect(stored.first?.emailDeliveredAt != nil)
        }
    }

    @Test("the blocking work goes through the thread pool: with the pool stopped nothing is delivered")
    func usesThePool() async throws {
        try await Self.withPractice { store, code, outbox in
            let pool = NIOThreadPool(numberOfThreads: 1)
            pool.start()
            let dispatcher = try await Self.dispatcher(store, outbox, pool: pool)
            try await pool.shutdownGracefully()
            let one = await dispatcher.send(
                link: code, practiceName: "Oak Street Pediatrics",
                recipient: InvitationRecipient(email: "ana@example.com"), requested: [.email])
            guard case .failed = one else {
                Issue.record("expected failed, got \(one)")
                return
            }
            let batch = await dispatcher.send(
                link: code, practiceName: "Oak Street Pediatrics",
                recipients: [InvitationRecipient(email: "bo@example.com")], requested: [.email])
            guard case .failed = batch.first else {
                Issue.record("expected failed, got \(batch)")
                return
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: outbox + "/new").isEmpty)
        }
    }

    @Test("overlapped chunks: the outcomes of one chunk after the other; a repeat of the chunk in delivery is skipped")
    func overlappedChunks() async throws {
        try await Self.withPractice { store, code, outbox in
            // Slow deliveries keep the first chunk unmarked while the second is recorded.
            let dispatcher = try await InvitationDispatcher(
                store: store, outbox: try await Outbox.make(directory: outbox, syncsToDisk: false),
                from: try MailboxAddress(parsing: "Spruce <invitations@spruce.care>"),
                publicURL: "https://spruce.care", templates: try await InvitationTemplates.read(on: .singleton),
                invitedBy: "test", renderQR: { _ in [0x89, 0x50, 0x4E, 0x47] },
                afterDelivery: { usleep(100_000) })
            let ana = InvitationRecipient(name: "Ana", email: "ana@example.com")
            let bo = InvitationRecipient(name: "Bo", email: "bo@example.com")
            let cy = InvitationRecipient(name: "Cy", email: "cy@example.com")
            var seen: [(Int, [InvitationDispatcher.Outcome])] = []
            await dispatcher.send(
                link: code, practiceName: "Oak Street Pediatrics", chunks: [[ana, bo], [ana, cy], [bo]],
                requested: [.email]
            ) { index, outcomes in seen.append((index, outcomes)) }
            #expect(seen.map(\.0) == [0, 1, 2])
            let kinds = seen.map { _, outcomes in
                outcomes.map { outcome -> String in
                    switch outcome {
                    case .sent: "sent"
                    case .skipped(.refused(.alreadyInvited)): "already invited"
                    case .skipped(let reason): "skipped \(reason)"
                    case .failed(let reason): "failed \(reason)"
                    }
                }
            }
            #expect(kinds == [["sent", "sent"], ["already invited", "sent"], ["already invited"]])
            #expect(try FileManager.default.contentsOfDirectory(atPath: outbox + "/new").count == 3)
            guard case .sent(let first, _) = seen.first?.1.first else { return }
            let stored = try await store.invitationRecords(of: first.invitation.organizationID)
            #expect(stored.count == 3 && stored.allSatisfy { $0.emailDeliveredAt != nil })
        }
    }
}
