import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// "Forgot your password?": sends a one-time code to the email or mobile number given when an account (a
    /// member, or a verified patient) has it, and returns a ticket either way, so the answer never tells whether
    /// the account exists.
    /// - Parameter client: who asks, counted against ``Throttles/resetRequestsPerClient``; `nil` counts nothing.
    /// - Throws: ``TooManyAttempts``; ``AccountError/invalid(field:rule:)`` when `login` is neither an email
    ///   address nor a phone number; ``StoreError/noMessenger``.
    public func requestPasswordReset(_ login: String, client: String? = nil, at now: Date = Date()) async throws
        -> CodeTicket
    {
        let settings = self.settings
        guard let messenger = settings.messenger else { throw StoreError.noMessenger }
        if let client {
            _ = try await transaction { database in
                try await RateCounter.take(
                    "reset:client:\(client)", policy: settings.throttles.resetRequestsPerClient,
                    scope: "password reset requests from this address", at: now, in: database)
            }
        }
        guard login.count <= AccountDetails.emailLimit else {
            throw AccountError.invalid(field: "login", rule: "is longer than \(AccountDetails.emailLimit) characters")
        }
        let name = LoginName(login)
        let address: AccountAddress
        switch name.kind {
        case .email: address = .email(name.normalized)
        case .phone: address = .phone(name.normalized)
        case .other: throw AccountError.invalid(field: "login", rule: "must be an email address or a phone number")
        }
        let ticket = CodeTicket.generate(for: address)
        let code = VerificationCode.generate()
        let message: AccountMessage? = try await transaction { database in
            try await Self.countCode(to: address, throttles: settings.throttles, at: now, in: database)
            let account = try await Self.account(holding: name, in: database)
            let digest =
                account == nil
                ? VerificationCode.generate().digest(binding: ticket.digest, key: settings.signingKey)
                : code.digest(binding: ticket.digest, key: settings.signingKey)
            try await Self.insertCode(
                ticket: ticket, purpose: "reset", account: account.flatMap { AccountRef($0.identity) },
                codeDigest: digest, continuation: nil,
                at: now, in: database)
            return account.map { AccountMessage(.resetCode(code), to: address, name: $0.name) }
        }
        if let message { try await messenger.deliver(message) }
        return ticket
    }

    /// Sets a new password with the code of a reset request, and ends every session of the account.
    /// - Returns: whose password was reset.
    /// - Throws: ``AccountError/invalid(field:rule:)`` for a password the policy refuses (before any try is
    ///   counted), ``VerificationError``.
    @discardableResult
    public func resetPassword(ticket: String, code: String, newPassword: String, at now: Date = Date()) async throws
        -> Identity
    {
        try PasswordPolicy.check(newPassword)
        let pending = try await checkCode(ticket: ticket, code: code, purpose: "reset", at: now)
        guard let account = pending.account else { throw VerificationError.unknownRequest }
        let hash = try await passwords.hash(newPassword, with: settings.passwordHasher)
        return try await transaction { database in
            try await Self.consumeCode(pending.ticketDigest, in: database)
            guard let identity = try await Self.identity(of: account, in: database)?.identity else {
                throw VerificationError.unknownRequest
            }
            try await Self.setPasswordHash(hash, of: identity, in: database)
            try await Self.deleteSessions(of: identity, except: nil, in: database)
            return identity
        }
    }

    /// Changes a logged-in account's password after checking the current one, and ends its other sessions.
    /// - Parameter keeping: the session the change was made from, which stays.
    /// - Throws: ``AccountError/wrongCredentials`` for a wrong current password, ``AccountError/invalid(field:rule:)``
    ///   for a new one the policy refuses.
    public func changePassword(
        of identity: Identity,
        current: String,
        new newPassword: String,
        keeping session: SessionToken?
    ) async throws {
        try PasswordPolicy.check(newPassword)
        guard current.utf8.count <= PasswordPolicy.lengths.upperBound else { throw AccountError.wrongCredentials }
        let stored: String? = try await read { database in
            let (table, id): (String, Int64)
            switch identity {
            case .member(let member, _): (table, id) = ("members", member.rawValue)
            case .patient(let patient): (table, id) = ("patients", patient.rawValue)
            case .anonymous: return nil
            }
            return try await database.select().column("password_hash").from(table).where("id", .equal, SQLBind(id))
                .first()?.decode(column: "password_hash", as: String.self)
        }
        guard let stored else { throw AccountError.wrongCredentials }
        let hasher = settings.passwordHasher
        guard try await passwords.run({ hasher.verify(current, against: stored) }) else {
            throw AccountError.wrongCredentials
        }
        let hash = try await passwords.hash(newPassword, with: hasher)
        try await transaction { database in
            try await Self.setPasswordHash(hash, of: identity, in: database)
            try await Self.deleteSessions(of: identity, except: session, in: database)
        }
    }

    /// Ends every session of an account ("Log out everywhere"), or all but `except`.
    /// - Returns: how many sessions ended.
    @discardableResult
    public func endSessions(of identity: Identity, except: SessionToken? = nil) async throws -> Int {
        try await transaction { database in try await Self.deleteSessions(of: identity, except: except, in: database) }
    }

    @discardableResult
    static func deleteSessions(of identity: Identity, except: SessionToken?, in database: any SQLDatabase) async throws
        -> Int
    {
        var delete = database.delete(from: "sessions")
        switch identity {
        case .member(let id, _): delete = delete.where("member_id", .equal, SQLBind(id.rawValue))
        case .patient(let id): delete = delete.where("patient_id", .equal, SQLBind(id.rawValue))
        case .anonymous: return 0
        }
        if let except { delete = delete.where("id_digest", .notEqual, SQLBind(except.digest.hex)) }
        return try await delete.returning("id_digest").all().count
    }

    static func setPasswordHash(_ hash: String, of identity: Identity, in database: any SQLDatabase) async throws {
        switch identity {
        case .member(let id, _):
            try await database.update("members").set("password_hash", to: SQLBind(hash))
                .where("id", .equal, SQLBind(id.rawValue)).run()
        case .patient(let id):
            try await database.update("patients").set("password_hash", to: SQLBind(hash))
                .where("id", .equal, SQLBind(id.rawValue)).run()
        case .anonymous: break
        }
    }

    /// The account a login name stands for: a member by email, else a verified patient by email or phone.
    static func account(
        holding name: LoginName, in database: any SQLDatabase
    ) async throws -> (identity: Identity, name: String)? {
        if name.kind == .email,
            let member = try await database.select().columns(memberColumns).from("members")
                .where("email", .equal, SQLBind(name.normalized)).first().map(decodeMember)
        {
            return (.member(member.id, of: member.organizationID), member.name)
        }
        guard name.kind != .other,
            let patient = try await database.select().columns(patientColumns).from("patients")
                .where(name.kind == .email ? "email" : "phone", .equal, SQLBind(name.normalized))
                .where("verified_at", .isNot, SQLLiteral.null).first().map(decodePatient)
        else { return nil }
        return (.patient(patient.id), patient.name)
    }
}
