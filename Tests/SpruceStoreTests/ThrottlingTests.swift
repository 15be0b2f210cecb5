import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

/// Login throttling that counts failures, keyed by the normalized account and the client: atomic on both engines,
/// never a lock-out of the owner, and swept.
@Suite("Throttling logins and pruning rate counters")
struct ThrottlingTests {
    static let throttles: Throttles = {
        var throttles = Throttles.unlimited
        throttles.loginFailuresPerClient = RatePolicy(limit: 30, window: 900)
        throttles.loginFailuresPerAccountAndClient = RatePolicy(limit: 5, window: 900)
        throttles.loginFailuresPerAccount = RatePolicy(
            limit: 20, window: 3600, growingDelay: RatePolicy.GrowingDelay(step: 10, maximum: 120))
        return throttles
    }()

    /// Runs `body` with a store holding one patient, `+12175550100` / `ada@example.com`, password `patient password`.
    func withPatient(
        _ engine: TestEngine, throttles: Throttles = Self.throttles, _ body: (SpruceStore, Patient) async throws -> Void
    ) async throws {
        try await withStore(engine, settings: testSettings(throttles: throttles)) { store, _ in
            let (patient, _) = try await store.signUpPatient(
                AccountDetails(
                    name: "Ada", email: "Ada@Example.com", phone: "(217) 555-0100", password: "patient password"))
            try await body(store, patient)
        }
    }

    enum Outcome: Equatable { case wrong, limited, passed }

    static func attempt(
        _ store: SpruceStore, _ login: String, _ password: String, client: String, at now: Date = Date()
    )
        async throws -> Outcome
    {
        do {
            _ = try await store.logIn(login, password: password, client: client, at: now)
            return .passed
        } catch AccountError.wrongCredentials {
            return .wrong
        } catch is TooManyAttempts {
            return .limited
        }
    }

    static func expect(_ expected: Outcome, from actual: Outcome, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual == expected, sourceLocation: sourceLocation)
    }

    @Test(
        "100 concurrent wrong logins for one account from one client: exactly the budget reaches the password check",
        arguments: TestEngine.all)
    func concurrentFailures(engine: TestEngine) async throws {
        try await withPatient(engine) { store, _ in
            let outcomes = try await withThrowingTaskGroup(of: Outcome.self) { group in
                for _ in 0..<100 {
                    group.addTask {
                        try await Self.attempt(store, "ada@example.com", "wrong password", client: "10.0.0.1")
                    }
                }
                return try await group.reduce(into: [Outcome]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 == .wrong }.count == 5)
            #expect(outcomes.filter { $0 == .limited }.count == 95)
            let count = try await store.read { database in
                try await database.select().column("count").from("rate_counters")
                    .where("scope_key", .like, "login:account-client:%").first()?.decode(column: "count", as: Int.self)
            }
            #expect(count == 5)
        }
    }

    @Test("wrong guesses from client A never stop the owner on client B", arguments: TestEngine.all)
    func otherClient(engine: TestEngine) async throws {
        try await withPatient(engine) { store, patient in
            var outcomes: [Outcome] = []
            for _ in 0..<10 { outcomes.append(try await Self.attempt(store, "ada@example.com", "guess", client: "A")) }
            #expect(outcomes == Array(repeating: .wrong, count: 5) + Array(repeating: .limited, count: 5))
            // The right password from A is refused too while A is over its budget: A's guesses stop at 5.
            Self.expect(
                .limited, from: try await Self.attempt(store, "ada@example.com", "patient password", client: "A"))
            let visitor = try await store.logIn("ADA@example.com", password: "patient password", client: "B")
            #expect(visitor == .patient(patient))
        }
    }

    @Test("phone spellings and email case share one budget", arguments: TestEngine.all)
    func spellings(engine: TestEngine) async throws {
        try await withPatient(engine) { store, patient in
            let spellings = ["+12175550100", "+1 217 555 0100", "+1-217-555-0100", "(217) 555-0100", "217.555.0100"]
            for spelling in spellings {
                Self.expect(.wrong, from: try await Self.attempt(store, spelling, "guess", client: "A"))
            }
            Self.expect(.limited, from: try await Self.attempt(store, "+1 (217) 555-0100", "guess", client: "A"))
            Self.expect(
                .passed, from: try await Self.attempt(store, "+1 217-555-0100", "patient password", client: "B"))
            for spelling in ["Ada@Example.com", "ADA@EXAMPLE.COM", " ada@example.com "] {
                Self.expect(.wrong, from: try await Self.attempt(store, spelling, "guess", client: "C"))
            }
            #expect(
                try await store.logIn("+1 217 555 0100", password: "patient password", client: "C") == .patient(patient)
            )
        }
    }

    @Test("invalid numbers in any spelling share one budget too", arguments: TestEngine.all)
    func invalidNumberSpellings(engine: TestEngine) async throws {
        try await withPatient(engine) { store, _ in
            let spellings = ["+15551234567", "+1 555 123 4567", "+1-555-123-4567", "(555) 123-4567", "+1.555.123.4567"]
            for spelling in spellings {
                Self.expect(.wrong, from: try await Self.attempt(store, spelling, "guess", client: "A"))
            }
            Self.expect(.limited, from: try await Self.attempt(store, "555 123 4567", "guess", client: "A"))
        }
    }

    @Test(
        "a success gives its count back and clears the account's failures from that client", arguments: TestEngine.all)
    func successClears(engine: TestEngine) async throws {
        try await withPatient(engine) { store, _ in
            for _ in 0..<4 {
                Self.expect(.wrong, from: try await Self.attempt(store, "ada@example.com", "guess", client: "A"))
            }
            Self.expect(
                .passed, from: try await Self.attempt(store, "ada@example.com", "patient password", client: "A"))
            for _ in 0..<5 {
                Self.expect(.wrong, from: try await Self.attempt(store, "ada@example.com", "guess", client: "A"))
            }
            Self.expect(.limited, from: try await Self.attempt(store, "ada@example.com", "guess", client: "A"))
        }
    }

    @Test("past the account-wide budget, growing delays instead of a lock-out", arguments: TestEngine.all)
    func growingDelays(engine: TestEngine) async throws {
        var throttles = Self.throttles
        throttles.loginFailuresPerAccount = RatePolicy(
            limit: 4, window: 3600, growingDelay: RatePolicy.GrowingDelay(step: 10, maximum: 120))
        try await withPatient(engine, throttles: throttles) { store, patient in
            let start = Date()
            // Four clients, one guess each: within the budget.
            for client in 1...4 {
                Self.expect(
                    .wrong,
                    from: try await Self.attempt(store, "ada@example.com", "guess", client: "bot\(client)", at: start))
            }
            // The fifth guess passes and makes the next wait 10 s (1² × 10), the sixth 40 s, then 90 s, 120 s.
            Self.expect(
                .wrong, from: try await Self.attempt(store, "ada@example.com", "guess", client: "bot5", at: start))
            do {
                _ = try await store.logIn(
                    "ada@example.com", password: "guess", client: "bot6", at: start.addingTimeInterval(5))
                Issue.record("a guess inside the delay passed")
            } catch let error as TooManyAttempts {
                #expect(error.retryAfter == 5)
                #expect(
                    error.description == "too many failed logins for this account: wait 5 seconds before trying again")
            }
            var now = start.addingTimeInterval(10)
            for wait in [40.0, 90, 120, 120] {
                Self.expect(
                    .wrong, from: try await Self.attempt(store, "ada@example.com", "guess", client: "bot7", at: now))
                Self.expect(
                    .limited,
                    from: try await Self.attempt(
                        store, "ada@example.com", "guess", client: "bot8", at: now.addingTimeInterval(wait - 1)))
                now = now.addingTimeInterval(wait)
            }
            // The owner is never locked out: once the delay has passed, the right password works.
            #expect(
                try await store.logIn("ada@example.com", password: "patient password", client: "home", at: now)
                    == .patient(patient))
        }
    }

    @Test("the sweep deletes stale counters a bounded batch at a time and keeps live ones", arguments: TestEngine.all)
    func sweep(engine: TestEngine) async throws {
        var throttles = Self.throttles
        throttles.loginFailuresPerAccount = RatePolicy(limit: 100, window: 3600)
        try await withPatient(engine, throttles: throttles) { store, _ in
            let old = Date().addingTimeInterval(-7200)
            for index in 0..<25 {
                _ = try await Self.attempt(store, "ada@example.com", "guess", client: "10.0.0.\(index)", at: old)
            }
            _ = try await Self.attempt(store, "live@example.com", "guess", client: "B")
            func rows() async throws -> Int {
                try await store.read { database in
                    try await database.select().column("scope_key").from("rate_counters").all().count
                }
            }
            // 25 client and 25 account-client counters, one account counter: 51 stale; 3 live.
            #expect(try await rows() == 54)
            #expect(try await store.pruneRateCounters(olderThan: 3600, limit: 20) == 20)
            #expect(try await store.pruneRateCounters(olderThan: 3600, limit: 20) == 20)
            #expect(try await store.pruneRateCounters(olderThan: 3600, limit: 20) == 11)
            #expect(try await store.pruneRateCounters(olderThan: 3600, limit: 20) == 0)
            #expect(try await rows() == 3)
        }
    }

    @Test("signups are counted per client, failed ones included", arguments: TestEngine.all)
    func signups(engine: TestEngine) async throws {
        var throttles = Throttles.unlimited
        throttles.signupsPerClient = RatePolicy(limit: 2, window: 900)
        try await withStore(engine, settings: testSettings(throttles: throttles)) { store, _ in
            await #expect(throws: AccountError.self) {
                _ = try await store.signUpPatient(
                    AccountDetails(name: "X", email: "bad", password: "long enough"), client: "A")
            }
            _ = try await store.signUpPatient(
                AccountDetails(name: "Y", email: "y@example.com", password: "long enough"), client: "A")
            await #expect(throws: TooManyAttempts.self) {
                _ = try await store.signUpPatient(
                    AccountDetails(name: "Z", email: "z@example.com", password: "long enough"), client: "A")
            }
            _ = try await store.signUpPatient(
                AccountDetails(name: "Z", email: "z@example.com", password: "long enough"), client: "B")
        }
    }
}
