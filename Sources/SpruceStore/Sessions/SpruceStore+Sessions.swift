import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Starts a session for a logged-in member or patient. The token goes into the browser's cookie; only its
    /// digest is stored.
    /// - Parameter replacing: the session the browser held before, deleted in the same transaction, so a login
    ///   always yields a fresh id (no session fixation).
    /// - Throws: ``StoreError/invalidInput(field:rule:)`` for an anonymous identity.
    public func createSession(
        for identity: Identity,
        replacing previous: SessionToken? = nil,
        lifetime: TimeInterval = Session.defaultLifetime,
        at now: Date = Date()
    ) async throws -> (SessionToken, Session) {
        let (member, patient): (Int64?, Int64?)
        switch identity {
        case .anonymous: throw StoreError.invalidInput(field: "identity", rule: "a session needs a logged-in account")
        case .member(let id, _): (member, patient) = (id.rawValue, nil)
        case .patient(let id): (member, patient) = (nil, id.rawValue)
        }
        let token = SessionToken.generate()
        let session = Session(
            identity: identity, csrfSecret: Base64URL.random(bytes: 32),
            createdAt: Date(storedMilliseconds: now.storedMilliseconds),
            expiresAt: Date(storedMilliseconds: now.addingTimeInterval(lifetime).storedMilliseconds))
        try await transaction { database in
            if let previous {
                try await database.delete(from: "sessions").where("id_digest", .equal, SQLBind(previous.digest.hex))
                    .run()
            }
            // Expired sessions of anyone are swept on each login, a few at a time.
            try await database.delete(from: "sessions")
                .where("expires_at", .lessThanOrEqual, SQLBind(now.storedMilliseconds)).run()
            try await database.insert(into: "sessions")
                .columns("id_digest", "member_id", "patient_id", "csrf_secret", "created_at", "expires_at")
                .values(
                    SQLBind(token.digest.hex), SQLBind(member), SQLBind(patient), SQLBind(session.csrfSecret),
                    SQLBind(session.createdAt.storedMilliseconds), SQLBind(session.expiresAt.storedMilliseconds)
                ).run()
        }
        return (token, session)
    }

    /// The live session of `token`, or `nil` when it is unknown, past its lifetime, unused for longer than its
    /// idle timeout (then it is deleted), or its account is gone. A live session's last use is recorded (at most
    /// once per ``SessionTimeouts/touchInterval``).
    public func session(
        _ token: SessionToken,
        timeouts: SessionTimeouts = SessionTimeouts(),
        at now: Date = Date()
    ) async throws -> Session? {
        let digest = token.digest.hex
        let nowMS = now.storedMilliseconds
        let found: (Session, lastSeen: Int64)? = try await read { database in
            // The member's organization comes in the same statement (NULL once the member is removed).
            let query: SQLQueryString = """
                SELECT s.member_id, s.patient_id, s.csrf_secret, s.created_at, s.expires_at, s.last_seen_at, \
                m.organization_id AS member_organization_id FROM sessions s \
                LEFT JOIN members m ON m.id = s.member_id AND m.removed_at IS NULL \
                WHERE s.id_digest = \(bind: digest) AND s.expires_at > \(bind: nowMS)
                """
            guard let row = try await database.raw(query).first() else { return nil }
            let identity: Identity
            if let memberID = try row.decode(column: "member_id", as: Int64?.self) {
                guard let organizationID = try row.decode(column: "member_organization_id", as: Int64?.self) else {
                    return nil
                }
                identity = .member(MemberID(rawValue: memberID), of: OrganizationID(rawValue: organizationID))
            } else if let patientID = try row.decode(column: "patient_id", as: Int64?.self) {
                identity = .patient(PatientID(rawValue: patientID))
            } else {
                return nil
            }
            let createdAt = try row.decode(column: "created_at", as: Int64.self)
            let session = Session(
                identity: identity, csrfSecret: try row.decode(column: "csrf_secret", as: String.self),
                createdAt: Date(storedMilliseconds: createdAt),
                expiresAt: Date(storedMilliseconds: try row.decode(column: "expires_at", as: Int64.self)))
            return (session, try row.decode(column: "last_seen_at", as: Int64?.self) ?? createdAt)
        }
        guard let (session, lastSeen) = found else { return nil }
        if nowMS - lastSeen >= Int64(timeouts.idle(for: session.identity) * 1000) {
            try await deleteSession(token)
            return nil
        }
        if nowMS - lastSeen >= Int64(SessionTimeouts.touchInterval * 1000) {
            try await transaction { database in
                try await database.update("sessions").set("last_seen_at", to: SQLBind(nowMS))
                    .where("id_digest", .equal, SQLBind(digest)).run()
            }
        }
        return session
    }

    /// Ends a session (logout). Deleting an unknown session is not an error.
    public func deleteSession(_ token: SessionToken) async throws {
        try await transaction { database in
            try await database.delete(from: "sessions").where("id_digest", .equal, SQLBind(token.digest.hex)).run()
        }
    }

    /// The visitor a session stands for, with the account as stored now.
    public func visitor(for identity: Identity) async throws -> Visitor {
        switch identity {
        case .anonymous: return .anonymous
        case .member(let id, _): return try await member(id: id).map(Visitor.member) ?? .anonymous
        case .patient(let id): return try await patient(id: id).map(Visitor.patient) ?? .anonymous
        }
    }

    // MARK: - API keys

    /// Creates an API key for an organization. The key is returned once; only its digest is stored.
    /// - Parameters:
    ///   - role: what the key may do (admin: everything the API offers).
    ///   - scope: who asks; only an admin (or the operator) creates keys.
    /// - Throws: ``StoreError/organizationNotFound(id:)`` (also for an organization out of scope),
    ///   ``StoreError/forbidden(_:)`` for staff, or ``StoreError/invalidInput(field:rule:)`` for a bad label.
    public func createAPIKey(
        for organizationID: OrganizationID,
        label: String = "",
        role: MemberRole = .admin,
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date()
    ) async throws -> (secret: String, key: APIKey) {
        try scope.requireAdmin("create API keys")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        let label = label.trimmingCharacters(in: .whitespacesAndNewlines)
        guard label.count <= Self.labelLimit else {
            throw StoreError.invalidInput(field: "label", rule: "longer than \(Self.labelLimit) characters")
        }
        if let rule = FreeText.violation(in: label) { throw StoreError.invalidInput(field: "label", rule: rule) }
        let secret = APIKey.generateSecret()
        let prefix = String(secret.prefix(APIKey.prefix.count + 6))
        let id = try await transaction { database in
            guard try await Self.organization(id: organizationID, in: database) != nil else {
                throw StoreError.organizationNotFound(id: organizationID.rawValue)
            }
            let row = try await database.insert(into: "api_keys")
                .columns("organization_id", "key_digest", "key_prefix", "label", "created_at", "role")
                .values(
                    SQLBind(organizationID.rawValue), SQLBind(TokenDigest(hashing: secret).hex), SQLBind(prefix),
                    SQLBind(label), SQLBind(now.storedMilliseconds), SQLBind(role.rawValue)
                ).returning("id").first()
            guard let row else { throw StoreError.corruptRow(table: "api_keys", reason: "insert returned no id") }
            return try row.decode(column: "id", as: Int64.self)
        }
        let key = APIKey(
            id: id, organizationID: organizationID, keyPrefix: prefix, label: label,
            createdAt: Date(storedMilliseconds: now.storedMilliseconds), revokedAt: nil, role: role)
        return (secret, key)
    }

    /// How stale a key's `last_used_at` may get before a use writes it again: one write a minute per key, not
    /// one per request.
    static let lastUsedResolution: Int64 = 60_000

    /// The unrevoked key whose secret is `secret`, or `nil`. Records the use (to the minute).
    public func apiKey(secret: String, at now: Date = Date()) async throws -> APIKey? {
        guard secret.hasPrefix(APIKey.prefix), secret.utf8.count <= 128 else { return nil }
        let key = try await read { database in
            try await database.select().columns(Self.apiKeyColumns).from("api_keys")
                .where("key_digest", .equal, SQLBind(TokenDigest(hashing: secret).hex))
                .where("revoked_at", .is, SQLLiteral.null).first().map(Self.decodeAPIKey)
        }
        guard let key else { return nil }
        let nowMS = now.storedMilliseconds
        if (key.lastUsedAt?.storedMilliseconds ?? 0) < nowMS - Self.lastUsedResolution {
            try await transaction { database in
                try await database.update("api_keys").set("last_used_at", to: SQLBind(nowMS))
                    .where("id", .equal, SQLBind(key.id)).run()
            }
        }
        return key
    }

    /// An organization's API keys, newest first, revoked ones included.
    public func apiKeys(of organizationID: OrganizationID) async throws -> [APIKey] {
        try await apiKeys(of: organizationID, in: .everyOrganization)
    }

    /// An organization's API keys for someone in `scope`, newest first: admins only.
    /// - Parameters:
    ///   - before: the id of the last key of the previous page (a cursor).
    ///   - limit: at most this many; every key when `nil`.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``StoreError/organizationNotFound(id:)`` out of scope.
    public func apiKeys(
        of organizationID: OrganizationID, in scope: OrganizationScope, before: Int64? = nil, limit: Int? = nil
    ) async throws -> [APIKey] {
        try scope.requireAdmin("see API keys")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        return try await read { database in
            var query = database.select().columns(Self.apiKeyColumns).from("api_keys")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            if let before { query = query.where("id", .lessThan, SQLBind(before)) }
            query = query.orderBy("id", .descending)
            if let limit { query = query.limit(max(1, limit)) }
            return try await query.all().map(Self.decodeAPIKey)
        }
    }

    /// Revokes an API key; it stops working at once. Another organization's key answers like a missing one.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``StoreError/invalidInput(field:rule:)`` when no active
    ///   key in scope has that id.
    public func revokeAPIKey(id: Int64, in scope: OrganizationScope = .everyOrganization, at now: Date = Date())
        async throws
    {
        try scope.requireAdmin("revoke API keys")
        try await transaction { database in
            var update = database.update("api_keys").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id)).where("revoked_at", .is, SQLLiteral.null)
            if let organizationID = scope.organizationID {
                update = update.where("organization_id", .equal, SQLBind(organizationID.rawValue))
            }
            guard !(try await update.returning("id").all()).isEmpty else {
                throw StoreError.invalidInput(field: "id", rule: "no active API key has this id")
            }
        }
    }

    static let apiKeyColumns = [
        "id", "organization_id", "key_prefix", "label", "created_at", "revoked_at", "role", "last_used_at",
    ]

    @Sendable static func decodeAPIKey(_ row: any SQLRow) throws -> APIKey {
        APIKey(
            id: try row.decode(column: "id", as: Int64.self),
            organizationID: OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self)),
            keyPrefix: try row.decode(column: "key_prefix", as: String.self),
            label: try row.decode(column: "label", as: String.self),
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(storedMilliseconds:)),
            role: MemberRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
            lastUsedAt: try row.decode(column: "last_used_at", as: Int64?.self).map(Date.init(storedMilliseconds:)))
    }
}
