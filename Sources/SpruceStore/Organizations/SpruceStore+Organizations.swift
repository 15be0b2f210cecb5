import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Creates an organization and mints its primary numeric link, in one transaction.
    /// - Throws: ``ProfileError`` when a profile field breaks its limit.
    public func createOrganization(
        _ profile: ClinicProfile,
        primaryLinkLabel: String = "Main link",
        at now: Date = Date()
    ) async throws -> (Organization, PracticeLink) {
        let profile = try profile.validated()
        let codes = SystemCodeSource()
        return try await transaction { database in
            let organization = try await Self.insertOrganization(profile, at: now, in: database)
            let request = MintRequest(
                organizationID: organization.id,
                kind: .numeric(length: LinkCode.defaultNumericLength),
                label: primaryLinkLabel,
                isPrimary: true
            )
            let links = try await Self.mint(request, count: 1, codes: codes, at: now, in: database, progress: nil)
            guard let primary = links.first else { throw StoreError.noFreeCode(attempts: Self.maximumMintAttempts) }
            return (organization, primary)
        }
    }

    static func insertOrganization(
        _ profile: ClinicProfile,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Organization {
        let row = try await database.insert(into: "organizations")
            .columns(
                "display_name", "kind", "specialty", "summary", "address", "phone", "website", "hours",
                "accepts_new_patients", "created_at"
            )
            .values(
                SQLBind(profile.displayName), SQLBind(profile.kind.rawValue), SQLBind(profile.specialty),
                SQLBind(profile.summary), SQLBind(profile.address), SQLBind(profile.phone), SQLBind(profile.website),
                SQLBind(profile.hours), SQLBind(profile.acceptsNewPatients), SQLBind(now.storedMilliseconds)
            )
            .returning("id")
            .first()
        guard let row else { throw StoreError.corruptRow(table: "organizations", reason: "insert returned no id") }
        let id = OrganizationID(rawValue: try row.decode(column: "id", as: Int64.self))
        return Organization(id: id, profile: profile, createdAt: Date(storedMilliseconds: now.storedMilliseconds))
    }

    /// Every organization, oldest first.
    public func organizations() async throws -> [Organization] {
        try await read { database in
            try await database.select().columns(Self.organizationColumns).from("organizations").orderBy("id").all()
                .map(Self.decodeOrganization)
        }
    }

    /// The organization with `id`, or `nil`.
    public func organization(id: OrganizationID) async throws -> Organization? {
        try await read { database in
            try await Self.organization(id: id, in: database)
        }
    }

    static func organization(id: OrganizationID, in database: any SQLDatabase) async throws -> Organization? {
        try await database.select().columns(organizationColumns).from("organizations")
            .where("id", .equal, SQLBind(id.rawValue))
            .first()
            .map(decodeOrganization)
    }

    static let organizationColumns: [String] = [
        "id", "display_name", "kind", "specialty", "summary", "address", "phone", "website", "hours",
        "accepts_new_patients", "created_at",
    ]

    @Sendable static func decodeOrganization(_ row: any SQLRow) throws -> Organization {
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = OrganizationKind(rawValue: kindText) else {
            throw StoreError.corruptRow(table: "organizations", reason: "unknown kind \(kindText)")
        }
        let profile = ClinicProfile(
            displayName: try row.decode(column: "display_name", as: String.self),
            kind: kind,
            specialty: try row.decode(column: "specialty", as: String?.self),
            summary: try row.decode(column: "summary", as: String?.self),
            address: try row.decode(column: "address", as: String?.self),
            phone: try row.decode(column: "phone", as: String?.self),
            website: try row.decode(column: "website", as: String?.self),
            hours: try row.decode(column: "hours", as: String?.self),
            acceptsNewPatients: try row.decode(column: "accepts_new_patients", as: Bool.self)
        )
        return Organization(
            id: OrganizationID(rawValue: try row.decode(column: "id", as: Int64.self)),
            profile: profile,
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self))
        )
    }
}

extension SpruceStore {
    /// A new practice signs itself up: the organization, its primary numeric link and its first admin, in one
    /// transaction (nothing is left half-made when the email is taken).
    /// - Parameters:
    ///   - profile: the practice's name and specialty (the CLI's profile rules).
    ///   - admin: the first admin's name, email and password (the member rules; email required).
    ///   - client: the signing-up client's address, counted against the signup throttle as patient signups are.
    /// - Throws: ``ProfileError``, ``AccountError`` (a bad field or a taken email), ``TooManyAttempts``.
    public func createPractice(
        _ profile: ClinicProfile,
        admin: AccountDetails,
        client: String? = nil,
        at now: Date = Date()
    ) async throws -> (organization: Organization, primary: PracticeLink, admin: Member) {
        let profile = try profile.validated()
        let details = try admin.validated(requireEmail: true)
        if let client { try await countSignup(client: client, at: now) }
        let hash = try await passwords.hash(details.password, with: settings.passwordHasher)
        let codes = SystemCodeSource()
        return try await transaction { database in
            let organization = try await Self.insertOrganization(profile, at: now, in: database)
            let request = MintRequest(
                organizationID: organization.id, kind: .numeric(length: LinkCode.defaultNumericLength),
                label: "Main link", isPrimary: true)
            let links = try await Self.mint(request, count: 1, codes: codes, at: now, in: database, progress: nil)
            guard let primary = links.first else { throw StoreError.noFreeCode(attempts: Self.maximumMintAttempts) }
            let member = try await Self.insertMember(
                organizationID: organization.id, name: details.name, email: details.email ?? "", passwordHash: hash,
                role: .admin, notificationsOn: true, at: now, in: database)
            return (organization, primary, member)
        }
    }
}
