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
        let accountCount = try await transaction { database in
            var last: Int?
            for entry in keys {
                last = try await RateCounter.take(
                    entry.key, policy: entry.policy, scope: entry.scope, at: now, in: database)
            }
            return last
        }
        let visitor: Visitor
        do {
            visitor = try await authenticate(login: name, password: password)
        } catch AccountError.wrongCredentials {
            if let accountCount, accountCount > throttles.loginFailuresPerAccount.limit {
                try await noticeFailedLogins(name, account: account, count: accountCount, at: now)
            }
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

    /// Tells the owner of `name`'s account (if there is one) that its failed-login budget across all clients was
    /// exceeded: once per ``Throttles/ownerNotices`` window, not once per failure.
    private func noticeFailedLogins(_ name: LoginName, account: String, count: Int, at now: Date) async throws {
        guard let messenger = settings.messenger else { return }
        let policy = settings.throttles.ownerNotices
        let owner: (AccountAddress, String)? = try await transaction { database in
            guard let holder = try await Self.account(holding: name, in: database) else { return nil }
            do {
                try await RateCounter.take(
                    "login:notice:\(account)", policy: policy, scope: "notices", at: now, in: database)
            } catch is TooManyAttempts {
                return nil
            }
            return (name.kind == .phone ? .phone(name.normalized) : .email(name.normalized), holder.name)
        }
        guard let (address, holderName) = owner else { return }
        try await messenger.deliver(AccountMessage(.failedLogins(count: count), to: address, name: holderName))
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
        _ = try await transaction { database in
            try await RateCounter.take(
                "signup:client:\(client)", policy: policy, scope: "signups from this address", at: now, in: database)
        }
    }
}
