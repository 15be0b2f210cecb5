import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Connecting under concurrency and failure")
struct ConcurrencyTests {
    @Test("100 concurrent connects for one clinic pair and one patient pair: exactly one conversation each", arguments: TestEngine.all)
    func hundredConcurrentConnects(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let clinicDesk = Identity.member(world.clinicMember.id, of: world.clinic.id)
            let practiceDesk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let results = try await withThrowingTaskGroup(of: ConnectOutcome.self) { group in
                for index in 0..<100 {
                    group.addTask {
                        if index % 2 == 0 {
                            return try await store.addClinic(world.practiceLink.code.rawValue, as: clinicDesk)
                        }
                        return try await store.addClinic(world.clinicLink.code.rawValue, as: practiceDesk)
                    }
                    group.addTask {
                        try await store.connect(visitor: .patient(patient), via: .practice(world.practiceLink.code))
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            var clinicConversations = Set<ConversationID>()
            var patientConversations = Set<ConversationID>()
            var newOnes = 0
            for result in results {
                switch result {
                case .clinicsConnected(let id, let isNew): clinicConversations.insert(id); newOnes += isNew ? 1 : 0
                case .connected(let id, let isNew): patientConversations.insert(id); newOnes += isNew ? 1 : 0
                default: Issue.record("unexpected outcome \(result)")
                }
            }
            #expect(results.count == 200)
            #expect(clinicConversations.count == 1)
            #expect(patientConversations.count == 1)
            #expect(newOnes == 2)
            let counts = try await world.counts()
            #expect(counts["conversations"] == 2)
            #expect(counts["contacts"] == 3)
        }
    }

    @Test("a failure in the last insert of a flow leaves no partial rows", arguments: TestEngine.all)
    func failureMidFlow(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            // A real constraint failure on the flow's last statements: alerts are written last.
            let statements = switch engine {
            case .sqlite:
                ["CREATE TRIGGER injected_failure BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'injected'); END"]
            case .postgres:
                [
                    "CREATE FUNCTION injected_failure() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ LANGUAGE plpgsql",
                    "CREATE TRIGGER injected_failure BEFORE INSERT ON alerts FOR EACH ROW EXECUTE FUNCTION injected_failure()",
                ]
            }
            try await store.transaction { database in
                for statement in statements { try await database.execute(sql: SQLRaw(statement)) { _ in } }
            }
            let before = try await world.counts()
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            await #expect(throws: (any Error).self) {
                _ = try await store.addClinic(world.clinicLink.code.rawValue, as: desk)
            }
            guard case .signupRequired(let continuation, _) = try await store.connect(
                visitor: .anonymous, via: .practice(world.practiceLink.code))
            else { Issue.record("expected signup"); return }
            await #expect(throws: (any Error).self) {
                _ = try await world.signUp("Ana", email: "ana@example.com", continuation: continuation)
            }
            #expect(try await world.counts() == before)
            let spent = try await store.read { database in
                try await database.select().column("nonce").from("spent_values").all().count
            }
            #expect(spent == 0)
        }
    }

    @Test("connect requests are capped per visitor and per organization, with a clear error", arguments: TestEngine.all)
    func rateCaps(engine: TestEngine) async throws {
        let limits = ConnectLimits(perVisitor: 3, perOrganization: 5, window: 60)
        try await withStore(engine, settings: testSettings(limits: limits)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let now = Date()
            for _ in 0..<3 {
                _ = try await store.connect(visitor: .anonymous, via: .practice(world.practiceLink.code), rateKey: "10.0.0.1", at: now)
            }
            await #expect(throws: MessagingError.rateLimited(scope: "visitor", limit: 3, window: 60)) {
                _ = try await store.connect(visitor: .anonymous, via: .practice(world.practiceLink.code), rateKey: "10.0.0.1", at: now)
            }
            for _ in 0..<2 {
                _ = try await store.connect(visitor: .anonymous, via: .practice(world.practiceLink.code), rateKey: "10.0.0.2", at: now)
            }
            await #expect(throws: MessagingError.rateLimited(scope: "organization", limit: 5, window: 60)) {
                _ = try await store.connect(visitor: .anonymous, via: .practice(world.practiceLink.code), rateKey: "10.0.0.3", at: now)
            }
            #expect(MessagingError.rateLimited(scope: "organization", limit: 5, window: 60).description
                == "too many connect requests for this organization: at most 5 per 1 minutes")
            _ = try await store.connect(
                visitor: .anonymous, via: .practice(world.practiceLink.code), rateKey: "10.0.0.1", at: now.addingTimeInterval(61))
        }
    }
}
