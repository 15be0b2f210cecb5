import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Handoffs")
struct HandoffTests {
    @Test(
        "a handoff is claimed once by its code, carries the link's tags, and signup connects", arguments: TestEngine.all
    )
    func claimByCode(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let now = Date()
            let (secrets, handoff) = try await store.createHandoff(
                via: .practice(world.practiceLink.code), client: "10.0.0.1", at: now)
            #expect(handoff.tags == world.practiceLink.tags)
            #expect(handoff.expiresAt.timeIntervalSince(handoff.createdAt) == Handoff.defaultLifetime)
            let claim = try await store.claimHandoff(.code(secrets.code), client: "10.0.0.2", at: now)
            #expect(claim.code == world.practiceLink.code)
            #expect(claim.profile.displayName == "Oak Street Pediatrics")
            #expect(!claim.isInvitation)
            await #expect(throws: HandoffError.alreadyClaimed) {
                _ = try await store.claimHandoff(.code(secrets.code), client: "10.0.0.2", at: now)
            }
            await #expect(throws: HandoffError.alreadyClaimed) {
                _ = try await store.claimHandoff(.token(secrets.token), client: "10.0.0.2", at: now)
            }
            let (patient, outcome) = try await world.signUp(
                "Ana Souza", email: "ana@example.com", continuation: claim.continuation)
            guard case .connected(let conversation, isNew: true)? = outcome else {
                Issue.record("expected a new connection, got \(String(describing: outcome))")
                return
            }
            let thread = try await store.thread(as: .patient(patient.id), id: conversation)
            #expect(thread.entry.tags == world.practiceLink.tags)
        }
    }

    @Test("expired, unknown and malformed claims are told apart; only digests are stored", arguments: TestEngine.all)
    func refusals(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let then = Date(timeIntervalSinceNow: -Handoff.defaultLifetime - 1)
            let (secrets, _) = try await store.createHandoff(
                via: .practice(world.practiceLink.code), client: "c", at: then)
            await #expect(throws: HandoffError.expired) {
                _ = try await store.claimHandoff(.token(secrets.token), client: "c")
            }
            await #expect(throws: HandoffError.unknown) {
                _ = try await store.claimHandoff(.token(HandoffToken.generate()), client: "c")
            }
            await #expect(throws: HandoffError.unknown) {
                _ = try await store.claimHandoff(.code(ConnectCode.generate()), client: "c")
            }
            let stored = try await store.read { database in
                try await database.select().columns("token_digest", "code_digest").from("handoffs").all()
                    .map {
                        [
                            try $0.decode(column: "token_digest", as: String.self),
                            try $0.decode(column: "code_digest", as: String.self),
                        ]
                    }
            }
            #expect(stored.count == 1)
            #expect(
                !stored.joined().contains(secrets.token.rawValue) && !stored.joined().contains(secrets.code.rawValue))
            #expect(stored[0][0] == secrets.token.digest.hex)
            // A day past its end the sweep deletes it; a live one stays.
            _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "c")
            #expect(try await store.pruneHandoffs(endedBefore: Date()) == 1)
            #expect(try await store.pruneHandoffs(endedBefore: Date()) == 0)
        }
    }

    @Test("a disabled link's handoff cannot be made or claimed, and the failed claim leaves it unclaimed")
    func disabledLink() async throws {
        try await withStore { store, _ in
            let world = try await ConnectWorld.make(store)
            let (secrets, _) = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "c")
            _ = try await store.disableLink(code: world.practiceLink.code, in: .everyOrganization)
            await #expect(throws: HandoffError.unavailable(.disabled)) {
                _ = try await store.claimHandoff(.token(secrets.token), client: "c")
            }
            await #expect(throws: HandoffError.unavailable(.disabled)) {
                _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "c")
            }
            let claimed = try await store.read { database in
                try await database.select().column("claimed_at").from("handoffs").first()?
                    .decode(column: "claimed_at", as: Int64?.self)
            }
            #expect(claimed == .some(nil))
        }
    }

    @Test(
        "an invitation's connect code is claimed once and its signup consumes the invitation", arguments: TestEngine.all
    )
    func invitationCode(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (invitation, token) = try await store.invite(
                link: world.practiceLink.code, recipient: InvitationRecipient(name: "Ana", email: "ana@example.com"))
            let code = ConnectCode.derived(from: token)
            let claim = try await store.claimHandoff(.code(code), client: "c")
            #expect(claim.isInvitation)
            await #expect(throws: HandoffError.alreadyClaimed) {
                _ = try await store.claimHandoff(.code(code), client: "c")
            }
            _ = try await world.signUp("Ana", email: "ana@example.com", continuation: claim.continuation)
            let stored = try await store.invitation(digest: invitation.tokenDigest)
            #expect(stored?.acceptedAt != nil)
        }
    }

    @Test("a handoff made from an invitation page carries the invitation")
    func handoffFromInvitation() async throws {
        try await withStore { store, _ in
            let world = try await ConnectWorld.make(store)
            let (invitation, token) = try await store.invite(
                link: world.practiceLink.code, recipient: InvitationRecipient(email: "bo@example.com"))
            let (secrets, handoff) = try await store.createHandoff(via: .invitation(token), client: "c")
            #expect(handoff.invitationID == invitation.id)
            let claim = try await store.claimHandoff(.token(secrets.token), client: "c")
            #expect(claim.isInvitation)
            await #expect(throws: AccountError.self) {
                _ = try await world.signUp("Someone", email: "other@example.com", continuation: claim.continuation)
            }
        }
    }

    @Test("claims are throttled per client, and failures across all clients", arguments: TestEngine.all)
    func throttled(engine: TestEngine) async throws {
        var throttles = Throttles.unlimited
        throttles.handoffClaimsPerClient = RatePolicy(limit: 3, window: 60)
        throttles.handoffClaimFailures = RatePolicy(limit: 5, window: 60)
        throttles.handoffsPerClient = RatePolicy(limit: 2, window: 60)
        try await withStore(engine, settings: testSettings(throttles: throttles)) { store, _ in
            let world = try await ConnectWorld.make(store)
            var refusals: [String] = []
            for attempt in 0..<12 {
                do {
                    _ = try await store.claimHandoff(.code(.generate()), client: "client-\(attempt / 4)")
                } catch let error as HandoffError {
                    refusals.append("\(error == .unknown ? "unknown" : "other")")
                } catch is TooManyAttempts {
                    refusals.append("throttled")
                }
            }
            // Three per client pass to the look-up, and five failures in all.
            #expect(refusals.filter { $0 == "unknown" }.count == 5)
            #expect(refusals.filter { $0 == "throttled" }.count == 7)
            _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "h")
            _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "h")
            await #expect(throws: TooManyAttempts.self) {
                _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "h")
            }
        }
    }

    @Test(
        "app sessions: only the token's digest is stored; revoked and foreign tokens find nothing",
        arguments: TestEngine.all)
    func appSessions(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let (secret, session) = try await store.createAppSession(for: patient.id, label: "Ana's iPhone")
            #expect(secret.hasPrefix("spa_") && secret.count == 47)
            #expect(try await store.appSession(secret: secret) == session)
            let stored = try await store.read { database in
                try await database.select().column("token_digest").from("app_sessions").all()
                    .map { try $0.decode(column: "token_digest", as: String.self) }
            }
            #expect(stored == [TokenDigest(hashing: secret).hex])
            let (key, _) = try await store.createAPIKey(for: world.practice.id)
            #expect(try await store.appSession(secret: key) == nil)
            await #expect(throws: StoreError.self) {
                try await store.revokeAppSession(id: session.id, of: PatientID(rawValue: patient.id.rawValue + 1))
            }
            try await store.revokeAppSession(id: session.id, of: patient.id)
            #expect(try await store.appSession(secret: secret) == nil)
            #expect(try await store.appSessions(of: patient.id).isEmpty)
        }
    }

    @Test("of concurrent claims of one handoff exactly one wins", arguments: TestEngine.all)
    func concurrentClaims(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (secrets, _) = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "c")
            let results = await withTaskGroup(of: String.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        let secret: HandoffSecret =
                            index.isMultiple(of: 2) ? .token(secrets.token) : .code(secrets.code)
                        do {
                            _ = try await store.claimHandoff(secret, client: "c\(index)")
                            return "claimed"
                        } catch {
                            return "\(error)"
                        }
                    }
                }
                var outcomes: [String] = []
                for await result in group { outcomes.append(result) }
                return outcomes
            }
            #expect(results.filter { $0 == "claimed" }.count == 1)
            #expect(results.filter { $0 == "\(HandoffError.alreadyClaimed)" }.count == 7, "\(results)")
        }
    }
}
