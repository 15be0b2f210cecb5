import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Logs in with an email or phone and a password, throttled so that guessing cannot be turned against the
    /// owner: only *failures* count, keyed by the normalized account (``LoginName``) and the client, by the client
    /// alone, and by the account across all clients (``Throttles``). Wrong guesses from one client never stop
    /// the owner on another; past the account-wide budget each attempt waits a growing delay, never a lock-out.
    ///
    /// Each attempt first takes one count from every key in one transaction (all or none, each an atomic
    /// upsert), then checks the password; a success gives the counts back and clears the account's count from
    /// that client. So under any burst exactly the budget's worth of guesses reach the password check.
    /// - Parameters:
    ///   - client: who is asking, e.g. the client's IP address.
    /// - Throws: ``TooManyAttempts`` past a budget (the password is then not checked),
    ///   ``AccountError/wrongCredentials`` for an unknown account or a wrong password alike.
    public func logIn(_ login: String, password: String, client: String, at now: Date = Date()) async throws
        -> Visitor
    {
        let name = LoginName(login)
        let throttles = settings.throttles
        let account = TokenDigest(hashing: name.normalized).hex
        let keys: [(key: String, policy: RatePolicy, scope: String)] = [
            ("login:client:\(client)", throttles.loginFailuresPerClient, "failed logins from this address"),
            (
                "login:account-client:\(account):\(client)", throttles.loginFailuresPerAccountAndClient,
                "failed logins for this account from this address"
            ),
            ("login:account:\(account)", throttles.loginFailuresPerAccount, "failed logins for this account"),
        ]
        try await transaction { database in
            for entry in keys {
                try await RateCounter.take(entry.key, policy: entry.policy, scope: entry.scope, at: now, in: database)
            }
        }
        let visitor: Visitor
        do {
            visitor = try await authenticate(login: name, password: password)
        } catch AccountError.wrongCredentials {
            throw AccountError.wrongCredentials
        } catch {
            try? await giveBack(keys.map(\.key))
            throw error
        }
        try await transaction { database in
            try await RateCounter.giveBack(keys[0].key, in: database)
            try await RateCounter.reset(keys[1].key, in: database)
            try await RateCounter.giveBack(keys[2].key, in: database)
        }
        return visitor
    }

    private func giveBack(_ keys: [String]) async throws {
        try await transaction { database in
            for key in keys { try await RateCounter.giveBack(key, in: database) }
        }
    }

    /// Counts one signup from `client` against ``Throttles/signupsPerClient``, in its own transaction so that the
    /// count stays when the signup itself fails.
    /// - Throws: ``TooManyAttempts``.
    func countSignup(client: String, at now: Date) async throws {
        let policy = settings.throttles.signupsPerClient
        try await transaction { database in
            try await RateCounter.take(
                "signup:client:\(client)", policy: policy, scope: "signups from this address", at: now, in: database)
        }
    }
}
