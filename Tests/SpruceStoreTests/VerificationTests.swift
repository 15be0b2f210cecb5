import Foundation
import SQLKit
import SpruceCore
import Synchronization
import Testing

@testable import SpruceStore

/// Keeps what the store asked to deliver, as a mailbox would (the outbox itself is tested over HTTP).
final class RecordingMessenger: AccountMessenger {
    private let sent = Mutex<[AccountMessage]>([])

    func deliver(_ message: AccountMessage) async throws { sent.withLock { $0.append(message) } }

    var messages: [AccountMessage] { sent.withLock { $0 } }

    /// The code in the newest code message to `address`.
    func latestCode(to address: String) throws -> String {
        for message in messages.reversed() where message.to.description == address {
            switch message.kind {
            case .signupCode(let code), .resetCode(let code): return code.digits
            default: continue
            }
        }
        throw ScratchError(description: "no code sent to \(address)")
    }
}

/// Signup verification, password reset, sessions' idle timeout and the owner's notice, on both engines.
@Suite("Verified signup, password reset, sessions")
struct VerificationTests {
    static func settings(_ messenger: RecordingMessenger, throttles: Throttles = .unlimited) -> StoreSettings {
        var settings = testSettings(throttles: throttles)
        settings.messenger = messenger
        return settings
    }

    static let ada = AccountDetails(name: "Ada", email: "ada@example.com", password: "patient password")

    static func ticket(_ start: SignupStart) throws -> CodeTicket {
        guard case .codeSent(let ticket) = start else { throw ScratchError(description: "expected a code: \(start)") }
        return ticket
    }

    static func verificationError(_ body: () async throws -> Void) async -> VerificationError? {
        do {
            try await body()
            return nil
        } catch let error as VerificationError {
            return error
        } catch {
            return nil
        }
    }

    @Test(
        "happy path: not secure until the code is entered; then verified, logged in and connected",
        arguments: TestEngine.all)
    func happyPath(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let continuation = try await world.signupContinuation()
            let ticket = try Self.ticket(try await store.startSignup(Self.ada, continuation: continuation))
            #expect(ticket.address == .email("ada@example.com"))
            let pending = try #require(try await store.patient(email: "ada@example.com"))
            #expect(!pending.hasSecureAccount)
            await #expect(throws: AccountError.wrongCredentials) {
                try await store.authenticate(login: "ada@example.com", password: "patient password")
            }
            let code = try messenger.latestCode(to: "ada@example.com")
            let (patient, outcome) = try await store.verifySignup(ticket: ticket.token, code: code)
            #expect(patient.hasSecureAccount)
            guard case .connected(_, let isNew)? = outcome else {
                Issue.record("expected a connection, got \(String(describing: outcome))")
                return
            }
            #expect(isNew)
            #expect(try await store.authenticate(login: "ada@example.com", password: "patient password") != .anonymous)
            // Stored hashed: neither the code nor the ticket is in the table.
            let stored = try await store.read { database in
                try await database.select().column("*").from("account_codes").all().count
            }
            #expect(stored == 0)
        }
    }

    @Test("five wrong codes spend the code: the right one is refused after them", arguments: TestEngine.all)
    func wrongFiveTimes(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let ticket = try Self.ticket(try await store.startSignup(Self.ada))
            let code = try messenger.latestCode(to: "ada@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            var errors: [VerificationError?] = []
            for _ in 0..<5 {
                errors.append(
                    await Self.verificationError { _ = try await store.verifySignup(ticket: ticket.token, code: wrong) }
                )
            }
            #expect(
                errors == [
                    .wrongCode(triesLeft: 4), .wrongCode(triesLeft: 3), .wrongCode(triesLeft: 2),
                    .wrongCode(triesLeft: 1), .tooManyTries,
                ])
            let right = await Self.verificationError {
                _ = try await store.verifySignup(ticket: ticket.token, code: code)
            }
            #expect(right == .tooManyTries)
            #expect(try await store.patient(email: "ada@example.com")?.hasSecureAccount == false)
        }
    }

    @Test("40 concurrent wrong codes: exactly five are compared", arguments: TestEngine.all)
    func concurrentGuesses(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let ticket = try Self.ticket(try await store.startSignup(Self.ada))
            let code = try messenger.latestCode(to: "ada@example.com")
            let wrong = code == "000000" ? "111111" : "000000"
            let errors = await withTaskGroup(of: VerificationError?.self) { group in
                for _ in 0..<40 {
                    group.addTask {
                        await Self.verificationError {
                            _ = try await store.verifySignup(ticket: ticket.token, code: wrong)
                        }
                    }
                }
                var all: [VerificationError?] = []
                for await error in group { all.append(error) }
                return all
            }
            let compared = errors.filter { if case .wrongCode? = $0 { true } else { false } }.count
            #expect(compared == 4)
            #expect(errors.filter { $0 == .tooManyTries }.count == 36)
        }
    }

    @Test("a code entered after 10 minutes has expired (injected clock)", arguments: TestEngine.all)
    func expired(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let start = Date()
            let ticket = try Self.ticket(try await store.startSignup(Self.ada, at: start))
            let code = try messenger.latestCode(to: "ada@example.com")
            let late = await Self.verificationError {
                _ = try await store.verifySignup(ticket: ticket.token, code: code, at: start.addingTimeInterval(601))
            }
            #expect(late == .expired)
            let (patient, _) = try await store.verifySignup(
                ticket: ticket.token, code: code, at: start.addingTimeInterval(599))
            #expect(patient.hasSecureAccount)
        }
    }

    @Test("a resent code replaces the old one; resends are throttled", arguments: TestEngine.all)
    func resent(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        var throttles = Throttles.unlimited
        throttles.resendsPerRequest = RatePolicy(limit: 1, window: 60)
        try await withStore(engine, settings: Self.settings(messenger, throttles: throttles)) { store, _ in
            let start = Date()
            let ticket = try Self.ticket(try await store.startSignup(Self.ada, at: start))
            let first = try messenger.latestCode(to: "ada@example.com")
            _ = try await store.resendCode(ticket: ticket.token, at: start.addingTimeInterval(1))
            #expect(messenger.messages.count == 2)
            await #expect(throws: TooManyAttempts.self) {
                _ = try await store.resendCode(ticket: ticket.token, at: start.addingTimeInterval(2))
            }
            let second = try messenger.latestCode(to: "ada@example.com")
            if first != second {
                let old = await Self.verificationError {
                    _ = try await store.verifySignup(ticket: ticket.token, code: first, at: start.addingTimeInterval(3))
                }
                #expect(old == .wrongCode(triesLeft: 4))
            }
            let (patient, _) = try await store.verifySignup(
                ticket: ticket.token, code: second, at: start.addingTimeInterval(4))
            #expect(patient.hasSecureAccount)
        }
    }

    @Test("a used code cannot be replayed, and the continuation connects once", arguments: TestEngine.all)
    func replayed(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let ticket = try Self.ticket(
                try await store.startSignup(Self.ada, continuation: try await world.signupContinuation()))
            let code = try messenger.latestCode(to: "ada@example.com")
            _ = try await store.verifySignup(ticket: ticket.token, code: code)
            let replay = await Self.verificationError {
                _ = try await store.verifySignup(ticket: ticket.token, code: code)
            }
            #expect(replay == .unknownRequest)
        }
    }

    @Test(
        "signing up with a verified account's address: same answer, the owner gets a notice, nothing is created",
        arguments: TestEngine.all)
    func existingAddress(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let (owner, _) = try await store.signUpPatient(Self.ada)
            let intruder = AccountDetails(name: "Mallory", email: "ADA@example.com", password: "mallory password")
            let ticket = try Self.ticket(try await store.startSignup(intruder))
            #expect(ticket.address == .email("ada@example.com"))
            #expect(messenger.messages == [AccountMessage(.signupAttempt, to: .email("ada@example.com"), name: "Ada")])
            #expect(try await store.patient(email: "ada@example.com") == owner)
            for guess in ["000000", "123456"] {
                let error = await Self.verificationError {
                    _ = try await store.verifySignup(ticket: ticket.token, code: guess)
                }
                #expect(error != nil)
            }
            // The owner's password still works; the intruder's does not.
            #expect(try await store.authenticate(login: "ada@example.com", password: "patient password") != .anonymous)
        }
    }

    @Test("an unverified account does not block the address: a new signup replaces it", arguments: TestEngine.all)
    func unverifiedReplaced(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            _ = try await store.startSignup(
                AccountDetails(name: "Squatter", email: "ada@example.com", password: "squatter password"))
            let ticket = try Self.ticket(try await store.startSignup(Self.ada))
            let (patient, _) = try await store.verifySignup(
                ticket: ticket.token, code: try messenger.latestCode(to: "ada@example.com"))
            #expect(patient.name == "Ada")
        }
    }

    @Test("an invitation sent to this very address verifies it: no code, connected at once", arguments: TestEngine.all)
    func invitationVerifies(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (_, token) = try await store.invite(
                link: world.practiceLink.code,
                recipient: try InvitationRecipient.validated(name: "Ada", email: "ada@example.com", phone: nil))
            let opened = try await store.connect(visitor: .anonymous, via: .invitation(token))
            guard case .signupRequired(let continuation, _) = opened else {
                Issue.record("expected signup, got \(opened)")
                return
            }
            let start = try await store.startSignup(Self.ada, continuation: continuation)
            guard case .verified(let patient, .connected?) = start else {
                Issue.record("expected verified and connected, got \(start)")
                return
            }
            #expect(patient.hasSecureAccount)
            #expect(messenger.messages.isEmpty)
        }
    }

    @Test(
        "password reset: a code for an account, the same ticket for none; the reset ends every session",
        arguments: TestEngine.all)
    func reset(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let (patient, _) = try await store.signUpPatient(Self.ada)
            let (first, _) = try await store.createSession(for: .patient(patient.id))
            let (second, _) = try await store.createSession(for: .patient(patient.id))
            let nobody = try await store.requestPasswordReset("nobody@example.com")
            #expect(nobody.address == .email("nobody@example.com"))
            #expect(messenger.messages.isEmpty)
            let error = await Self.verificationError {
                try await store.resetPassword(ticket: nobody.token, code: "123456", newPassword: "a new password")
            }
            #expect(error != nil)

            let ticket = try await store.requestPasswordReset("ADA@example.com")
            let code = try messenger.latestCode(to: "ada@example.com")
            await #expect(throws: AccountError.self) {
                try await store.resetPassword(ticket: ticket.token, code: code, newPassword: "short")
            }
            let identity = try await store.resetPassword(
                ticket: ticket.token, code: code, newPassword: "a new password")
            #expect(identity == .patient(patient.id))
            #expect(try await store.session(first) == nil)
            #expect(try await store.session(second) == nil)
            await #expect(throws: AccountError.wrongCredentials) {
                try await store.authenticate(login: "ada@example.com", password: "patient password")
            }
            #expect(try await store.authenticate(login: "ada@example.com", password: "a new password") != .anonymous)
        }
    }

    @Test("a member resets by email: the identity names the member's organization", arguments: TestEngine.all)
    func memberReset(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        try await withStore(engine, settings: Self.settings(messenger)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let ticket = try await store.requestPasswordReset("oak@oak.example")
            let identity = try await store.resetPassword(
                ticket: ticket.token, code: try messenger.latestCode(to: "oak@oak.example"),
                newPassword: "a new password")
            #expect(identity == .member(world.practiceMember.id, of: world.practice.id))
            #expect(try await store.authenticate(login: "oak@oak.example", password: "a new password") != .anonymous)
        }
    }

    @Test("changing the password ends the other sessions, keeps this one", arguments: TestEngine.all)
    func changePassword(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (patient, _) = try await store.signUpPatient(Self.ada)
            let (this, _) = try await store.createSession(for: .patient(patient.id))
            let (other, _) = try await store.createSession(for: .patient(patient.id))
            await #expect(throws: AccountError.wrongCredentials) {
                try await store.changePassword(
                    of: .patient(patient.id), current: "wrong password", new: "a new password", keeping: this)
            }
            #expect(try await store.session(other) != nil)
            try await store.changePassword(
                of: .patient(patient.id), current: "patient password", new: "a new password", keeping: this)
            #expect(try await store.session(this) != nil)
            #expect(try await store.session(other) == nil)
            #expect(try await store.endSessions(of: .patient(patient.id)) == 1)
            #expect(try await store.session(this) == nil)
        }
    }

    @Test(
        "idle timeout: a member's session ends after 30 idle minutes, a patient's lasts; use keeps it alive",
        arguments: TestEngine.all)
    func idleTimeout(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (patient, _) = try await world.signUp("Ada", email: "ada@example.com")
            let member = Identity.member(world.practiceMember.id, of: world.practice.id)
            let start = Date()
            let timeouts = SessionTimeouts()
            let (memberToken, _) = try await store.createSession(for: member, at: start)
            let (busyToken, _) = try await store.createSession(for: member, at: start)
            let (patientToken, _) = try await store.createSession(
                for: .patient(patient.id), lifetime: timeouts.patientLifetime, at: start)
            // Used every 20 minutes, the busy session lives on.
            for minutes in [20.0, 40, 60] {
                #expect(
                    try await store.session(busyToken, timeouts: timeouts, at: start.addingTimeInterval(minutes * 60))
                        != nil)
            }
            #expect(
                try await store.session(memberToken, timeouts: timeouts, at: start.addingTimeInterval(31 * 60)) == nil)
            #expect(
                try await store.session(patientToken, timeouts: timeouts, at: start.addingTimeInterval(6 * 86_400))
                    != nil)
            #expect(
                try await store.session(
                    patientToken, timeouts: timeouts, at: start.addingTimeInterval(6 * 86_400 + 7 * 86_400 + 60)) == nil
            )
        }
    }

    @Test(
        "past the account's failure budget the owner is told once per window, not per failure",
        arguments: TestEngine.all)
    func ownerNotified(engine: TestEngine) async throws {
        let messenger = RecordingMessenger()
        var throttles = Throttles.unlimited
        throttles.loginFailuresPerAccount = RatePolicy(
            limit: 3, window: 3600, growingDelay: RatePolicy.GrowingDelay(step: 0.001, maximum: 0.001))
        throttles.ownerNotices = RatePolicy(limit: 1, window: 3600)
        try await withStore(engine, settings: Self.settings(messenger, throttles: throttles)) { store, _ in
            _ = try await store.signUpPatient(Self.ada)
            let start = Date()
            for index in 0..<8 {
                do {
                    _ = try await store.logIn(
                        "ada@example.com", password: "wrong password", client: "10.0.0.\(index)",
                        at: start.addingTimeInterval(Double(index)))
                } catch AccountError.wrongCredentials {}
            }
            #expect(
                messenger.messages == [
                    AccountMessage(.failedLogins(count: 4), to: .email("ada@example.com"), name: "Ada")
                ])
            // No notice for an address without an account.
            for index in 0..<6 {
                do {
                    _ = try await store.logIn(
                        "nobody@example.com", password: "wrong password", client: "10.0.1.\(index)",
                        at: start.addingTimeInterval(Double(index)))
                } catch AccountError.wrongCredentials {}
            }
            #expect(messenger.messages.count == 1)
        }
    }
}
