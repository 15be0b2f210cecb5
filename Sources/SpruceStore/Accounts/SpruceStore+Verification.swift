import Foundation
import SQLKit
import SpruceCore

/// A pending signup or password reset as the browser holds it: a random ticket (stored only as a digest) and the
/// address the code was said to go to.
public struct CodeTicket: Equatable, Sendable, CustomStringConvertible {
    public let token: String
    public let address: AccountAddress

    init(token: String, address: AccountAddress) {
        self.token = token
        self.address = address
    }

    static func generate(for address: AccountAddress) -> CodeTicket {
        CodeTicket(token: Base64URL.random(bytes: 32), address: address)
    }

    var digest: String { TokenDigest(hashing: token).hex }
    public var description: String { "CodeTicket(redacted, to: \(address))" }
}

/// What a signup led to.
public enum SignupStart: Sendable {
    /// "We sent a code to …": said alike whether or not the address already has an account (its owner then gets
    /// a notice instead of a code).
    case codeSent(CodeTicket)
    /// The signup came through an invitation sent to this very address, which proves it: the account is verified
    /// and, like a verified signup, connected to the invitation's practice.
    case verified(Patient, ConnectOutcome?)
}

extension SpruceStore {
    /// Starts a patient signup: checks the fields, then sends a one-time code to the email given (or, without one,
    /// to the mobile number) and records the account as not yet verified. The account cannot log in and is not
    /// a secure account until ``verifySignup(ticket:code:at:)`` gets the code.
    ///
    /// Never tells whether the address has an account: when a verified account already holds it, nothing is
    /// created, the owner is told "someone tried to sign up with your address", and the caller gets the same
    /// ``SignupStart/codeSent(_:)`` (a code that can never be entered). An unverified account holding the address
    /// (a signup never finished) is replaced. A continuation carrying an invitation sent to this address verifies
    /// at once (``SignupStart/verified(_:_:)``).
    /// - Parameter client: who is signing up, counted against ``Throttles/signupsPerClient``; `nil` counts nothing.
    /// - Throws: ``TooManyAttempts``; ``AccountError`` for bad fields; ``SignedValueError`` for a tampered or
    ///   expired continuation; ``InvitationUnavailable``; ``StoreError/noMessenger``.
    public func startSignup(
        _ details: AccountDetails,
        continuation: String? = nil,
        client: String? = nil,
        at now: Date = Date()
    ) async throws -> SignupStart {
        if let client { try await countSignup(client: client, at: now) }
        let details = try details.validated()
        let settings = self.settings
        guard let messenger = settings.messenger else { throw StoreError.noMessenger }
        let carried = try continuation.map { text throws(SignedValueError) in
            try SignedValue<SignupContinuation>.verify(
                text, purpose: SignupContinuation.purpose, key: settings.signingKey, at: now)
        }
        let address: AccountAddress
        if let email = details.email {
            address = .email(email)
        } else if let phone = details.phone {
            address = .phone(phone)
        } else {
            throw AccountError.invalid(field: "email", rule: "or a phone number is required")
        }
        let passwordHash = try await passwords.hash(details.password, with: settings.passwordHasher)
        let ticket = CodeTicket.generate(for: address)
        let code = VerificationCode.generate()
        let (start, message): (SignupStart, AccountMessage?) = try await transaction { database in
            try await Self.countCode(to: address, throttles: settings.throttles, at: now, in: database)
            if let owner = try await Self.verifiedOwner(email: details.email, phone: details.phone, in: database) {
                try await Self.insertCode(
                    ticket: ticket, purpose: "signup", account: nil,
                    codeDigest: VerificationCode.generate().digest(binding: ticket.digest, key: settings.signingKey),
                    continuation: nil, at: now, in: database)
                return (.codeSent(ticket), AccountMessage(.signupAttempt, to: owner.address, name: owner.name))
            }
            if let carried, let digest = carried.payload.invitationDigest {
                guard let invitation = try await Self.invitation(digest: TokenDigest(hex: digest), in: database) else {
                    throw InvitationUnavailable(resolution: .notFound)
                }
                guard invitation.state(at: now) == .pending else {
                    throw InvitationUnavailable(resolution: Self.resolution(for: invitation.state(at: now)))
                }
                guard Self.matches(invitation.recipient, email: details.email, phone: details.phone) else {
                    throw AccountError.invalid(
                        field: "email", rule: "must be the email address or phone number the invitation was sent to")
                }
                try await Self.removeUnverifiedPatients(email: details.email, phone: details.phone, in: database)
                try await Self.spend(nonce: carried.nonce, at: now, in: database)
                let patient = try await Self.insertPatient(
                    details, passwordHash: passwordHash, verified: true, at: now, in: database)
                let resolution = try await Self.resolve(carried.payload, at: now, in: database)
                let outcome = try await Self.carryOut(
                    visitor: .patient(patient), resolution: resolution, invitationDigest: digest, settings: settings,
                    at: now, in: database)
                return (.verified(patient, outcome), nil)
            }
            try await Self.removeUnverifiedPatients(email: details.email, phone: details.phone, in: database)
            let patient = try await Self.insertPatient(
                details, passwordHash: passwordHash, verified: false, at: now, in: database)
            try await Self.insertCode(
                ticket: ticket, purpose: "signup", account: .patient(patient.id),
                codeDigest: code.digest(binding: ticket.digest, key: settings.signingKey), continuation: continuation,
                at: now, in: database)
            return (.codeSent(ticket), AccountMessage(.signupCode(code), to: address, name: patient.name))
        }
        if let message { try await messenger.deliver(message) }
        return start
    }

    /// Finishes a signup with the code that was sent: the account becomes verified and secure, and when the signup
    /// came through a practice link or an invitation, the patient is connected with it (the continuation carried
    /// through; a continuation that expired meanwhile connects nothing, the link can be opened again).
    ///
    /// At most ``VerificationCode/maximumTries`` entries are compared per code, each counted atomically before the
    /// comparison; a used code is gone (a replay gets ``VerificationError/unknownRequest``).
    /// - Throws: ``VerificationError``.
    public func verifySignup(ticket: String, code: String, at now: Date = Date()) async throws
        -> (Patient, ConnectOutcome?)
    {
        let pending = try await checkCode(ticket: ticket, code: code, purpose: "signup", at: now)
        let settings = self.settings
        return try await transaction { database in
            try await Self.consumeCode(pending.ticketDigest, in: database)
            guard case .patient(let id)? = pending.account else { throw VerificationError.unknownRequest }
            try await database.update("patients").set("verified_at", to: SQLBind(now.storedMilliseconds))
                .set("has_secure_account", to: SQLBind(true)).where("id", .equal, SQLBind(id.rawValue)).run()
            guard let patient = try await Self.patient(id: id, in: database) else {
                throw VerificationError.unknownRequest
            }
            guard let text = pending.continuation,
                let carried = try? SignedValue<SignupContinuation>.verify(
                    text, purpose: SignupContinuation.purpose, key: settings.signingKey, at: now),
                try await Self.trySpend(nonce: carried.nonce, at: now, in: database)
            else { return (patient, nil) }
            let resolution = try await Self.resolve(carried.payload, at: now, in: database)
            let outcome = try await Self.carryOut(
                visitor: .patient(patient), resolution: resolution, invitationDigest: carried.payload.invitationDigest,
                settings: settings, at: now, in: database)
            return (patient, outcome)
        }
    }

    /// The link a pending signup came through (its continuation's payload), for counting the signup once it is
    /// verified; `nil` for an unknown ticket or a signup without a link. Verifies nothing and spends nothing.
    public func pendingSignupContinuation(ticket: String, at now: Date = Date()) async throws -> SignupContinuation? {
        let digest = TokenDigest(hashing: ticket).hex
        let pending = try await read { database in try await Self.pendingCode(digest, in: database) }
        guard let pending, pending.purpose == "signup", let text = pending.continuation else { return nil }
        return verifiedContinuation(text, at: now)
    }

    /// Sends a new code for a pending signup or reset (the old one stops working, tries start again), at most
    /// ``Throttles/resendsPerRequest`` and ``Throttles/codesPerAddress``. Answers alike for every ticket that is
    /// pending, whether or not its address has an account.
    /// - Throws: ``TooManyAttempts``, ``VerificationError/unknownRequest``.
    public func resendCode(ticket token: String, at now: Date = Date()) async throws -> CodeTicket {
        let settings = self.settings
        guard let messenger = settings.messenger else { throw StoreError.noMessenger }
        let digest = TokenDigest(hashing: token).hex
        let code = VerificationCode.generate()
        let (ticket, message): (CodeTicket, AccountMessage?) = try await transaction { database in
            try await RateCounter.take(
                "code:resend:\(digest)", policy: settings.throttles.resendsPerRequest,
                scope: "new codes for this request", at: now, in: database)
            guard let pending = try await Self.pendingCode(digest, in: database) else {
                throw VerificationError.unknownRequest
            }
            try await Self.countCode(to: pending.address, throttles: settings.throttles, at: now, in: database)
            try await database.update("account_codes")
                .set("code_digest", to: SQLBind(code.digest(binding: digest, key: settings.signingKey)))
                .set("tries", to: SQLBind(0))
                .set("expires_at", to: SQLBind(now.addingTimeInterval(VerificationCode.lifetime).storedMilliseconds))
                .where("ticket_digest", .equal, SQLBind(digest)).run()
            let ticket = CodeTicket(token: token, address: pending.address)
            guard let account = pending.account else { return (ticket, nil) }
            let name = try await Self.accountName(account, in: database)
            let kind: AccountMessage.Kind = pending.purpose == "reset" ? .resetCode(code) : .signupCode(code)
            return (ticket, AccountMessage(kind, to: pending.address, name: name))
        }
        if let message { try await messenger.deliver(message) }
        return ticket
    }

    // MARK: - Steps

    /// Whose a code request is, as its row names it.
    enum AccountRef: Equatable, Sendable {
        case patient(PatientID)
        case member(MemberID)

        init?(_ identity: Identity) {
            switch identity {
            case .patient(let id): self = .patient(id)
            case .member(let id, _): self = .member(id)
            case .anonymous: return nil
            }
        }
    }

    /// A pending code request as stored.
    struct PendingCode: Sendable {
        let ticketDigest: String
        let purpose: String
        /// `nil` for a request made for an address without an account: no code it could get was ever sent.
        let account: AccountRef?
        let address: AccountAddress
        let codeDigest: String
        let tries: Int
        let continuation: String?
    }

    /// Counts one entry against the code of `ticket` (atomically, so concurrent guesses cannot exceed the tries),
    /// then compares it in constant time.
    /// - Returns: the pending request when the code matches.
    func checkCode(ticket: String, code text: String, purpose: String, at now: Date) async throws -> PendingCode {
        guard let code = VerificationCode(text) else { throw VerificationError.malformed }
        let digest = TokenDigest(hashing: ticket).hex
        let key = settings.signingKey
        let counted = try await transaction { database -> PendingCode? in
            let nowMS = now.storedMilliseconds
            let row = try await database.raw(
                """
                UPDATE account_codes SET tries = tries + 1
                WHERE ticket_digest = \(bind: digest) AND purpose = \(bind: purpose)
                  AND tries < \(literal: VerificationCode.maximumTries) AND expires_at > \(bind: nowMS)
                RETURNING ticket_digest, purpose, patient_id, member_id, address, code_digest, tries, continuation
                """
            ).first()
            return try row.map(Self.decodePendingCode)
        }
        guard let pending = counted else {
            let stored = try await read { database in
                try await database.select().columns("tries", "expires_at", "purpose").from("account_codes")
                    .where("ticket_digest", .equal, SQLBind(digest)).first()
            }
            guard let stored, try stored.decode(column: "purpose", as: String.self) == purpose else {
                throw VerificationError.unknownRequest
            }
            if try stored.decode(column: "expires_at", as: Int64.self) <= now.storedMilliseconds {
                throw VerificationError.expired
            }
            throw VerificationError.tooManyTries
        }
        guard code.matches(pending.codeDigest, binding: digest, key: key) else {
            let left = VerificationCode.maximumTries - pending.tries
            throw left > 0 ? VerificationError.wrongCode(triesLeft: left) : VerificationError.tooManyTries
        }
        return pending
    }

    /// Deletes a code request that was just matched; only one caller can, so a code is used once.
    static func consumeCode(_ digest: String, in database: any SQLDatabase) async throws {
        let rows = try await database.delete(from: "account_codes").where("ticket_digest", .equal, SQLBind(digest))
            .returning("ticket_digest").all()
        guard !rows.isEmpty else { throw VerificationError.unknownRequest }
    }

    static func pendingCode(_ digest: String, in database: any SQLDatabase) async throws -> PendingCode? {
        try await database.select()
            .columns(
                "ticket_digest", "purpose", "patient_id", "member_id", "address", "code_digest", "tries",
                "continuation"
            )
            .from("account_codes").where("ticket_digest", .equal, SQLBind(digest)).first().map(decodePendingCode)
    }

    @Sendable static func decodePendingCode(_ row: any SQLRow) throws -> PendingCode {
        var account: AccountRef?
        if let id = try row.decode(column: "patient_id", as: Int64?.self) {
            account = .patient(PatientID(rawValue: id))
        } else if let id = try row.decode(column: "member_id", as: Int64?.self) {
            account = .member(MemberID(rawValue: id))
        }
        let address = try row.decode(column: "address", as: String.self)
        return PendingCode(
            ticketDigest: try row.decode(column: "ticket_digest", as: String.self),
            purpose: try row.decode(column: "purpose", as: String.self), account: account,
            address: address.contains("@") ? .email(address) : .phone(address),
            codeDigest: try row.decode(column: "code_digest", as: String.self),
            tries: Int(try row.decode(column: "tries", as: Int64.self)),
            continuation: try row.decode(column: "continuation", as: String?.self))
    }

    static func insertCode(
        ticket: CodeTicket,
        purpose: String,
        account: AccountRef?,
        codeDigest: String,
        continuation: String?,
        at now: Date,
        in database: any SQLDatabase
    ) async throws {
        var patient: Int64?
        var member: Int64?
        switch account {
        case .patient(let id)?: patient = id.rawValue
        case .member(let id)?: member = id.rawValue
        case nil: break
        }
        // Requests nobody finished are swept as new ones come.
        try await database.delete(from: "account_codes")
            .where("expires_at", .lessThanOrEqual, SQLBind(now.addingTimeInterval(-24 * 60 * 60).storedMilliseconds))
            .run()
        try await database.insert(into: "account_codes")
            .columns(
                "ticket_digest", "purpose", "patient_id", "member_id", "address", "code_digest", "tries",
                "continuation", "created_at", "expires_at"
            )
            .values(
                SQLBind(ticket.digest), SQLBind(purpose), SQLBind(patient), SQLBind(member),
                SQLBind(ticket.address.description), SQLBind(codeDigest), SQLBind(0), SQLBind(continuation),
                SQLBind(now.storedMilliseconds),
                SQLBind(now.addingTimeInterval(VerificationCode.lifetime).storedMilliseconds)
            ).run()
    }

    /// Counts one code or notice to `address`, whoever asked and whether or not it has an account.
    static func countCode(
        to address: AccountAddress, throttles: Throttles, at now: Date, in database: any SQLDatabase
    ) async throws {
        try await RateCounter.take(
            "code:address:\(TokenDigest(hashing: address.description).hex)", policy: throttles.codesPerAddress,
            scope: "codes sent to this address", at: now, in: database)
    }

    /// The verified patient holding `email` or `phone`, and which of the two addresses it holds.
    static func verifiedOwner(
        email: String?, phone: String?, in database: any SQLDatabase
    ) async throws -> (address: AccountAddress, name: String)? {
        if let email,
            let row = try await database.select().column("name").from("patients")
                .where("email", .equal, SQLBind(email)).where("verified_at", .isNot, SQLLiteral.null).first()
        {
            return (.email(email), try row.decode(column: "name", as: String.self))
        }
        if let phone,
            let row = try await database.select().column("name").from("patients")
                .where("phone", .equal, SQLBind(phone)).where("verified_at", .isNot, SQLLiteral.null).first()
        {
            return (.phone(phone), try row.decode(column: "name", as: String.self))
        }
        return nil
    }

    /// Deletes unverified accounts holding `email` or `phone`: nobody proved them, so a new signup takes their
    /// place (they never logged in, connected or wrote anything).
    static func removeUnverifiedPatients(email: String?, phone: String?, in database: any SQLDatabase) async throws {
        var ids: [Int64] = []
        for (column, value) in [("email", email), ("phone", phone)] {
            guard let value else { continue }
            ids += try await database.select().column("id").from("patients")
                .where(SQLColumn(column), .equal, SQLBind(value)).where("verified_at", .is, SQLLiteral.null).all()
                .map { try $0.decode(column: "id", as: Int64.self) }
        }
        for id in Set(ids) {
            try await database.delete(from: "account_codes").where("patient_id", .equal, SQLBind(id)).run()
            try await database.delete(from: "sessions").where("patient_id", .equal, SQLBind(id)).run()
            try await database.delete(from: "patients").where("id", .equal, SQLBind(id)).run()
        }
    }

    /// Records a nonce as spent; `false` when it already was.
    static func trySpend(nonce: String, at now: Date, in database: any SQLDatabase) async throws -> Bool {
        let rows = try await database.insert(into: "spent_values").columns("nonce", "spent_at")
            .values(SQLBind(nonce), SQLBind(now.storedMilliseconds))
            .ignoringConflicts(with: "nonce").returning("nonce").all()
        return !rows.isEmpty
    }

    static func accountName(_ account: AccountRef, in database: any SQLDatabase) async throws -> String? {
        try await identity(of: account, in: database)?.name
    }

    /// The account's identity as sessions and authorization name it, and its name; `nil` when it is gone.
    static func identity(
        of account: AccountRef, in database: any SQLDatabase
    ) async throws -> (identity: Identity, name: String)? {
        switch account {
        case .patient(let id): try await patient(id: id, in: database).map { (.patient($0.id), $0.name) }
        case .member(let id):
            try await member(id: id, in: database).map { (.member($0.id, of: $0.organizationID), $0.name) }
        }
    }
}
