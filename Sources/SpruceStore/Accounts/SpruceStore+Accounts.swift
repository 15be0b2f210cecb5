import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Adds a member to an organization's staff (the operator's command line).
    /// - Parameter role: `nil` makes the first member of an organization without an admin its admin, and any
    ///   later member staff.
    /// - Throws: ``AccountError`` for a bad field or an email already used by another member.
    public func createMember(
        organizationID: OrganizationID,
        details: AccountDetails,
        role: MemberRole? = nil,
        notificationsOn: Bool = true,
        at now: Date = Date()
    ) async throws -> Member {
        let details = try details.validated(requireEmail: true)
        let email = details.email ?? ""
        let hash = try await passwords.hash(details.password, with: settings.passwordHasher)
        return try await transaction { database in
            try await Self.insertMember(
                organizationID: organizationID, name: details.name, email: email, passwordHash: hash, role: role,
                notificationsOn: notificationsOn, at: now, in: database)
        }
    }

    static func insertMember(
        organizationID: OrganizationID,
        name: String,
        email: String,
        passwordHash: String,
        role: MemberRole? = nil,
        notificationsOn: Bool,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Member {
        guard try await organization(id: organizationID, in: database) != nil else {
            throw StoreError.organizationNotFound(id: organizationID.rawValue)
        }
        var role = role ?? .staff
        if try await adminCount(of: organizationID, in: database) == 0 { role = .admin }
        let row = try await database.insert(into: "members")
            .columns("organization_id", "name", "email", "password_hash", "notifications_on", "created_at", "role")
            .values(
                SQLBind(organizationID.rawValue), SQLBind(name), SQLBind(email), SQLBind(passwordHash),
                SQLBind(notificationsOn), SQLBind(now.storedMilliseconds), SQLBind(role.rawValue)
            )
            .ignoringConflicts(with: "email").returning("id").first()
        guard let row else { throw AccountError.emailTaken }
        return Member(
            id: MemberID(rawValue: try row.decode(column: "id", as: Int64.self)), organizationID: organizationID,
            name: name, email: email, notificationsOn: notificationsOn, role: role
        )
    }

    public func member(id: MemberID) async throws -> Member? {
        try await read { database in try await Self.member(id: id, in: database) }
    }

    public func member(email: String) async throws -> Member? {
        try await read { database in
            try await database.select().columns(Self.memberColumns).from("members")
                .where("email", .equal, SQLBind(email.lowercased())).where("removed_at", .is, SQLLiteral.null)
                .first().map(Self.decodeMember)
        }
    }

    public func patient(id: PatientID) async throws -> Patient? {
        try await read { database in try await Self.patient(id: id, in: database) }
    }

    public func patient(email: String) async throws -> Patient? {
        try await read { database in
            try await database.select().columns(Self.patientColumns).from("patients")
                .where("email", .equal, SQLBind(email.lowercased())).first().map(Self.decodePatient)
        }
    }

    /// Checks a login without throttling (the CLI, tests); pages go through ``logIn(_:password:client:at:)``.
    /// A member or a patient whose email (or, for patients, phone in any spelling) and password match.
    /// - Throws: ``AccountError/wrongCredentials``, the same for an unknown account and a wrong password.
    public func authenticate(login: String, password: String) async throws -> Visitor {
        try await authenticate(login: LoginName(login), password: password)
    }

    func authenticate(login name: LoginName, password: String) async throws -> Visitor {
        guard !name.isEmpty, password.utf8.count <= PasswordPolicy.lengths.upperBound else {
            throw AccountError.wrongCredentials
        }
        let login = name.normalized
        let byEmail = name.kind == .email ? login : nil
        let byPhone = name.kind == .phone ? login : nil
        let (member, patient) = try await read { database in
            var member: (Member, String)?
            var patient: (Patient, String)?
            if let byEmail {
                member = try await database.select().columns(Self.memberColumns + ["password_hash"]).from("members")
                    .where("email", .equal, SQLBind(byEmail)).where("removed_at", .is, SQLLiteral.null).first()
                    .map { (try Self.decodeMember($0), try $0.decode(column: "password_hash", as: String.self)) }
            }
            if let value = byEmail ?? byPhone {
                patient = try await database.select().columns(Self.patientColumns + ["password_hash"]).from("patients")
                    .where(byEmail == nil ? "phone" : "email", .equal, SQLBind(value))
                    .where("verified_at", .isNot, SQLLiteral.null).first()
                    .map { (try Self.decodePatient($0), try $0.decode(column: "password_hash", as: String.self)) }
            }
            return (member, patient)
        }
        let hasher = settings.passwordHasher
        let visitor: Visitor? = try await passwords.run {
            if let (member, hash) = member, hasher.verify(password, against: hash) { return .member(member) }
            if let (patient, hash) = patient, hasher.verify(password, against: hash) { return .patient(patient) }
            if member == nil && patient == nil {
                // Spend the same work on an unknown login, so timing does not tell which accounts exist.
                _ = hasher.verify(password, against: Self.decoyHash(cost: hasher.cost))
            }
            return nil
        }
        guard let visitor else { throw AccountError.wrongCredentials }
        return visitor
    }

    /// A hash no password matches, at the cost real hashes are made with, so checking it takes as long.
    private static func decoyHash(cost: Int) -> String {
        "scrypt$\(cost)$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
    }

    /// Creates a patient account inside a running transaction.
    /// - Parameter verified: whether the address is already proven (an invitation sent to it, or the operator);
    ///   otherwise the account is not secure and cannot log in until its code is entered.
    static func insertPatient(
        _ details: AccountDetails,
        passwordHash: String,
        verified: Bool,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Patient {
        let row = try await database.insert(into: "patients")
            .columns("name", "email", "phone", "password_hash", "has_secure_account", "created_at", "verified_at")
            .values(
                SQLBind(details.name), SQLBind(details.email), SQLBind(details.phone), SQLBind(passwordHash),
                SQLBind(verified), SQLBind(now.storedMilliseconds), SQLBind(verified ? now.storedMilliseconds : nil)
            )
            .ignoringConflicts().returning("id").first()
        guard let row else {
            // The insert lost to a unique index: say which one.
            if let email = details.email,
                try await database.select().column("id").from("patients").where("email", .equal, SQLBind(email))
                    .first() != nil
            {
                throw AccountError.emailTaken
            }
            throw AccountError.phoneTaken
        }
        return Patient(
            id: PatientID(rawValue: try row.decode(column: "id", as: Int64.self)), name: details.name,
            email: details.email, phone: details.phone, hasSecureAccount: verified
        )
    }

    static func member(id: MemberID, in database: any SQLDatabase) async throws -> Member? {
        try await database.select().columns(memberColumns).from("members")
            .where("id", .equal, SQLBind(id.rawValue)).where("removed_at", .is, SQLLiteral.null).first()
            .map(decodeMember)
    }

    static func patient(id: PatientID, in database: any SQLDatabase) async throws -> Patient? {
        try await database.select().columns(patientColumns).from("patients")
            .where("id", .equal, SQLBind(id.rawValue)).first().map(decodePatient)
    }

    static let memberColumns = ["id", "organization_id", "name", "email", "notifications_on", "role"]
    static let patientColumns = ["id", "name", "email", "phone", "has_secure_account"]

    @Sendable static func decodeMember(_ row: any SQLRow) throws -> Member {
        Member(
            id: MemberID(rawValue: try row.decode(column: "id", as: Int64.self)),
            organizationID: OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self)),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            notificationsOn: try row.decode(column: "notifications_on", as: Bool.self),
            role: MemberRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff
        )
    }

    @Sendable static func decodePatient(_ row: any SQLRow) throws -> Patient {
        Patient(
            id: PatientID(rawValue: try row.decode(column: "id", as: Int64.self)),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String?.self),
            phone: try row.decode(column: "phone", as: String?.self),
            hasSecureAccount: try row.decode(column: "has_secure_account", as: Bool.self)
        )
    }
}
