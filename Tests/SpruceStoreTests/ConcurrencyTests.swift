import Foundation
import SQLKit
import SQLiteKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Connecting under concurrency and failure")
struct ConcurrencyTests {
    @Test(
        "100 concurrent connects for one clinic pair and one patient pair: exactly one conversation each",
        arguments: TestEngine.all)
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
                case .clinicsConnected(let id, let isNew):
                    clinicConversations.insert(id)
                    newOnes += isNew ? 1 : 0
                case .connected(let id, let isNew):
                    patientConversations.insert(id)
                    newOnes += isNew ? 1 : 0
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
            let statements =
                switch engine {
                case .sqlite:
                    [
                        "CREATE TRIGGER injected_failure BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'injected'); END"
                    ]
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
            let continuation = try await world.signupContinuation()
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

    @Test(
        "connect requests are capped per visitor and, for visitors who create something, per organization",
        arguments: TestEngine.all)
    func rateCaps(engine: TestEngine) async throws {
        var throttles = Throttles.unlimited
        throttles.connectsPerVisitor = RatePolicy(limit: 3, window: 60)
        throttles.connectsPerOrganization = RatePolicy(limit: 5, window: 60)
        try await withStore(engine, settings: testSettings(throttles: throttles)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let code = world.practiceLink.code
            let now = Date()
            for _ in 0..<3 {
                _ = try await store.connect(visitor: .anonymous, via: .practice(code), rateKey: "10.0.0.1", at: now)
            }
            await #expect(throws: TooManyAttempts.self) {
                _ = try await store.connect(visitor: .anonymous, via: .practice(code), rateKey: "10.0.0.1", at: now)
            }
            // Anonymous clicks create nothing, so 30 of them from ten clients leave the practice's cap untouched.
            for client in 2...11 {
                for _ in 0..<3 {
                    _ = try await store.connect(
                        visitor: .anonymous, via: .practice(code), rateKey: "10.0.0.\(client)", at: now)
                }
            }
            var patients: [Patient] = []
            for index in 0..<6 {
                patients.append(try await world.signUp("P\(index)", email: "p\(index)@example.com").0)
            }
            for patient in patients.prefix(5) {
                _ = try await store.connect(visitor: .patient(patient), via: .practice(code), at: now)
            }
            do {
                _ = try await store.connect(visitor: .patient(patients[5]), via: .practice(code), at: now)
                Issue.record("the sixth patient passed the organization's cap")
            } catch let error as TooManyAttempts {
                #expect(
                    error.description
                        == "too many connect requests for this organization: at most 5 per minute; try again in 1 minute"
                )
                #expect(error.retryAfter == 60)
            }
            _ = try await store.connect(
                visitor: .anonymous, via: .practice(code), rateKey: "10.0.0.1", at: now.addingTimeInterval(61))
        }
    }
}

@Suite("Cancelled transactions")
struct CancelledTransactionTests {
    /// Whether another connection to the file gets SQLite's write lock within 200 ms (a connection of the store's
    /// own would wait for it forever: sqlite-nio's busy handler never gives up).
    static func writeLockIsFree(_ path: String) async throws -> Bool {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        defer { _ = connection.close() }
        let database = connection.sql()
        try await database.execute(sql: SQLRaw("PRAGMA busy_timeout = 200")) { _ in }
        do {
            try await database.execute(sql: SQLRaw("BEGIN IMMEDIATE")) { _ in }
        } catch {
            return false
        }
        try await database.execute(sql: SQLRaw("ROLLBACK")) { _ in }
        return true
    }

    @Test("a write transaction cancelled halfway is rolled back: its write is gone and the write lock is free")
    func cancelledHalfway() async throws {
        try await withStore(.sqlite) { store, location in
            guard case .sqlite(let path) = location else { return }
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Willow Clinic"))
            let inside = AsyncStream<Void>.makeStream()
            let cancelled = Task {
                try await store.transaction { database in
                    try await database.execute(
                        sql: SQLRaw("UPDATE links SET label = 'halfway' WHERE code = '\(link.code.rawValue)'")
                    ) { _ in }
                    inside.continuation.yield()
                    try await Task.sleep(for: .seconds(30))
                }
            }
            for await _ in inside.stream { break }
            cancelled.cancel()
            await #expect(throws: CancellationError.self) { try await cancelled.value }
            #expect(try await Self.writeLockIsFree(path))
            try await store.transaction { database in
                try await database.execute(
                    sql: SQLRaw("UPDATE links SET label = 'next' WHERE code = '\(link.code.rawValue)'")
                ) { _ in }
            }
            let label = try await store.read { database in
                try await database.raw("SELECT label FROM links WHERE code = \(bind: link.code.rawValue)").first()?
                    .decode(column: "label", as: String.self)
            }
            #expect(label == "next")
        }
    }
}
