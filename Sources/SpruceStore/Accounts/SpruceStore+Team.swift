import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// The scope a member acts in, with the role as stored now (a demotion takes effect on the next request).
    /// - Throws: ``StoreError/forbidden(_:)`` for a patient, an anonymous visitor or a removed member.
    public func workspaceScope(as identity: Identity) async throws -> OrganizationScope {
        guard case .member(let id, let organizationID) = identity,
            let member = try await member(id: id), member.organizationID == organizationID
        else { throw StoreError.forbidden("the workspace is for members of a practice") }
        return .role(member.role, of: organizationID)
    }

    /// The member `identity` stands for with their scope (the role as stored now) and their organization, read in
    /// one statement: what every workspace page needs before it reads anything else. `nil` for a removed member
    /// or a missing organization (the session no longer stands for anyone).
    /// - Throws: ``StoreError/forbidden(_:)`` for a patient, an anonymous visitor or a member of another
    ///   organization than the identity says.
    public func workspaceDesk(as identity: Identity) async throws
        -> (member: Member, scope: OrganizationScope, organization: Organization)?
    {
        guard case .member(let id, let organizationID) = identity else {
            throw StoreError.forbidden("the workspace is for members of a practice")
        }
        let row = try await read { database in
            let memberColumns = Self.memberColumns.map { "m.\($0) AS member_\($0)" }.joined(separator: ", ")
            let organizationColumns = Self.organizationColumns.map { "o.\($0)" }.joined(separator: ", ")
            let query: SQLQueryString = """
                SELECT \(unsafeRaw: memberColumns), \(unsafeRaw: organizationColumns) FROM members m \
                JOIN organizations o ON o.id = m.organization_id \
                WHERE m.id = \(bind: id.rawValue) AND m.removed_at IS NULL
                """
            return try await database.raw(query).first()
        }
        guard let row else { return nil }
        let member = try Self.decodeMember(PrefixedRow(row: row, prefix: "member_"))
        guard member.organizationID == organizationID else {
            throw StoreError.forbidden("the workspace is for members of a practice")
        }
        return (member, .role(member.role, of: organizationID), try Self.decodeOrganization(row))
    }

    /// The organization's members, admins first, then by name. Admins only.
    /// - Parameters:
    ///   - after: the last member of the previous page (a cursor on role, name and id); another organization's
    ///     member starts from the first page.
    ///   - limit: at most this many; every member when `nil`.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff.
    public func members(
        in scope: OrganizationScope, of organizationID: OrganizationID, after: MemberID? = nil, limit: Int? = nil
    ) async throws -> [Member] {
        try scope.requireAdmin("see the team")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        return try await read { database in
            var query = database.select().columns(Self.memberColumns).from("members")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                .where("removed_at", .is, SQLLiteral.null)
            if let after,
                let row = try await database.select().columns("organization_id", "role", "name").from("members")
                    .where("id", .equal, SQLBind(after.rawValue)).first(),
                try row.decode(column: "organization_id", as: Int64.self) == organizationID.rawValue
            {
                let role = try row.decode(column: "role", as: String.self)
                let name = try row.decode(column: "name", as: String.self)
                query = query.where { group in
                    group.where("role", .greaterThan, SQLBind(role))
                        .orWhere { $0.where("role", .equal, SQLBind(role)).where("name", .greaterThan, SQLBind(name)) }
                        .orWhere {
                            $0.where("role", .equal, SQLBind(role)).where("name", .equal, SQLBind(name))
                                .where("id", .greaterThan, SQLBind(after.rawValue))
                        }
                }
            }
            query = query.orderBy("role").orderBy("name").orderBy("id")
            if let limit { query = query.limit(max(1, limit)) }
            return try await query.all().map(Self.decodeMember)
        }
    }

    /// Changes a member's role. The last admin of an organization cannot be demoted.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``StoreError/memberNotFound`` for a member out of scope,
    ///   ``StoreError/lastAdmin``.
    @discardableResult
    public func setRole(_ role: MemberRole, of memberID: MemberID, in scope: OrganizationScope) async throws
        -> Member
    {
        try scope.requireAdmin("change roles")
        return try await transaction { database in
            var member = try await Self.lockedMember(memberID, in: scope, database)
            if member.role == .admin, role == .staff,
                try await Self.adminCount(of: member.organizationID, in: database) <= 1
            {
                throw StoreError.lastAdmin
            }
            try await database.update("members").set("role", to: SQLBind(role.rawValue))
                .where("id", .equal, SQLBind(memberID.rawValue)).run()
            member.role = role
            return member
        }
    }

    /// ``setRole(_:of:in:)`` for the member with `email` (the command line).
    @discardableResult
    public func setRole(_ role: MemberRole, email: String, in scope: OrganizationScope) async throws -> Member {
        guard let member = try await member(email: email), scope.contains(member.organizationID) else {
            throw StoreError.memberNotFound
        }
        return try await setRole(role, of: member.id, in: scope)
    }

    /// Removes a member: their sessions end at once, they can no longer log in, and their email is free to be
    /// invited again. Messages they wrote keep their name. The last admin cannot be removed.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``StoreError/memberNotFound`` for a member out of scope,
    ///   ``StoreError/lastAdmin``.
    @discardableResult
    public func removeMember(_ memberID: MemberID, in scope: OrganizationScope, at now: Date = Date()) async throws
        -> Member
    {
        try scope.requireAdmin("remove members")
        return try await transaction { database in
            let member = try await Self.lockedMember(memberID, in: scope, database)
            if member.role == .admin, try await Self.adminCount(of: member.organizationID, in: database) <= 1 {
                throw StoreError.lastAdmin
            }
            try await database.delete(from: "sessions").where("member_id", .equal, SQLBind(memberID.rawValue)).run()
            try await database.update("members")
                .set("removed_at", to: SQLBind(now.storedMilliseconds))
                .set("email", to: SQLBind("removed-\(memberID.rawValue)@removed.invalid"))
                .set("password_hash", to: SQLBind(""))
                .set("notifications_on", to: SQLBind(false))
                .where("id", .equal, SQLBind(memberID.rawValue)).run()
            return member
        }
    }

    /// The member in scope, after taking the organization's row lock, so that two admins demoting or removing
    /// each other at once cannot both pass the last-admin check (PostgreSQL; SQLite serializes writers anyway).
    static func lockedMember(_ memberID: MemberID, in scope: OrganizationScope, _ database: any SQLDatabase)
        async throws -> Member
    {
        guard let member = try await member(id: memberID, in: database), scope.contains(member.organizationID)
        else { throw StoreError.memberNotFound }
        try await database.update("organizations").set("id", to: SQLColumn("id"))
            .where("id", .equal, SQLBind(member.organizationID.rawValue)).run()
        guard let locked = try await Self.member(id: memberID, in: database) else { throw StoreError.memberNotFound }
        return locked
    }

    static func adminCount(of organizationID: OrganizationID, in database: any SQLDatabase) async throws -> Int {
        let row = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "count")
            .from("members")
            .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            .where("role", .equal, SQLBind(MemberRole.admin.rawValue))
            .where("removed_at", .is, SQLLiteral.null).first()
        return try row?.decode(column: "count", as: Int.self) ?? 0
    }
}

/// An invitation to join a practice's team, as stored (its token only as a digest).
public struct TeamInvitation: Equatable, Sendable {
    /// How long the set-password link works.
    public static let lifetime: TimeInterval = 7 * 24 * 60 * 60

    public let id: Int64
    public let organizationID: OrganizationID
    public let name: String
    public let email: String
    public let role: MemberRole
    /// When it was sent (a resend is a new invitation, sent then).
    public let createdAt: Date
    public let expiresAt: Date
}

extension SpruceStore {
    /// Invites someone to the team: a single-use, expiring token to set a password (admins only). The caller
    /// delivers the link; only the token's digest is stored.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``AccountError`` for a bad name or email or an email
    ///   that already has an account.
    public func inviteMember(
        name: String, email: String, role: MemberRole, invitedBy: MemberID?, in scope: OrganizationScope,
        of organizationID: OrganizationID, at now: Date = Date()
    ) async throws -> (invitation: TeamInvitation, token: InvitationToken) {
        try scope.requireAdmin("add members")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        // The member rules, with a password that passes so that only name and email are checked here.
        let details = try AccountDetails(name: name, email: email, password: String(repeating: "x", count: 12))
            .validated(requireEmail: true)
        let address = details.email ?? ""
        let token = InvitationToken.generate()
        let expiresAt = Date(storedMilliseconds: now.addingTimeInterval(TeamInvitation.lifetime).storedMilliseconds)
        let id = try await transaction { database in
            if try await database.select().column("id").from("members").where("email", .equal, SQLBind(address))
                .first() != nil
            {
                throw AccountError.emailTaken
            }
            let row = try await database.insert(into: "member_invitations")
                .columns(
                    "organization_id", "token_digest", "name", "email", "role", "invited_by", "created_at",
                    "expires_at"
                )
                .values(
                    SQLBind(organizationID.rawValue), SQLBind(token.digest.hex), SQLBind(details.name),
                    SQLBind(address), SQLBind(role.rawValue), SQLBind(invitedBy?.rawValue),
                    SQLBind(now.storedMilliseconds), SQLBind(expiresAt.storedMilliseconds)
                ).returning("id").first()
            guard let row else { throw StoreError.corruptRow(table: "member_invitations", reason: "no id") }
            return try row.decode(column: "id", as: Int64.self)
        }
        return (
            TeamInvitation(
                id: id, organizationID: organizationID, name: details.name, email: address, role: role,
                createdAt: Date(storedMilliseconds: now.storedMilliseconds), expiresAt: expiresAt), token
        )
    }

    /// The pending team invitation of `token`, to show its form.
    /// - Throws: ``StoreError/teamInvitationUnavailable`` (unknown, used, revoked, expired: one answer).
    public func teamInvitation(_ token: InvitationToken, at now: Date = Date()) async throws -> TeamInvitation {
        try await read { database in
            guard
                let row = try await database.select()
                    .columns(Self.teamInvitationColumns)
                    .from("member_invitations").where("token_digest", .equal, SQLBind(token.digest.hex))
                    .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds)).first()
            else { throw StoreError.teamInvitationUnavailable }
            return try Self.decodeTeamInvitation(row)
        }
    }

    /// Joins the team with the invitation's token and a new password: the token is spent (one of any number of
    /// concurrent uses wins) and the member made, in one transaction.
    /// - Throws: ``StoreError/teamInvitationUnavailable``, ``AccountError`` for the password or a taken email.
    public func acceptTeamInvitation(_ token: InvitationToken, password: String, at now: Date = Date()) async throws
        -> Member
    {
        try PasswordPolicy.check(password)
        let hash = try await passwords.hash(password, with: settings.passwordHasher)
        return try await transaction { database in
            guard
                let row = try await database.update("member_invitations")
                    .set("used_at", to: SQLBind(now.storedMilliseconds))
                    .where("token_digest", .equal, SQLBind(token.digest.hex))
                    .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                    .returning(Self.teamInvitationColumns.map { SQLColumn($0) as any SQLExpression }).first()
            else { throw StoreError.teamInvitationUnavailable }
            let invitation = try Self.decodeTeamInvitation(row)
            return try await Self.insertMember(
                organizationID: invitation.organizationID, name: invitation.name, email: invitation.email,
                passwordHash: hash, role: invitation.role, notificationsOn: true, at: now, in: database)
        }
    }

    /// The organization's team invitations not yet used, revoked or expired, newest first (admins only), a page
    /// at a time: `before` is the id of the last row of the previous page.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff, ``StoreError/organizationNotFound(id:)`` out of scope.
    public func pendingTeamInvitations(
        in scope: OrganizationScope, of organizationID: OrganizationID, before: Int64? = nil, limit: Int = 50,
        at now: Date = Date()
    ) async throws -> [TeamInvitation] {
        try scope.requireAdmin("see the team's invitations")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        return try await read { database in
            var query = database.select().columns(Self.teamInvitationColumns).from("member_invitations")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
            if let before { query = query.where("id", .lessThan, SQLBind(before)) }
            return try await query.orderBy("id", .descending).limit(max(1, limit)).all()
                .map(Self.decodeTeamInvitation)
        }
    }

    /// Revokes a pending team invitation: its token stops working at once (admins only).
    /// - Throws: ``StoreError/forbidden(_:)`` for staff; ``StoreError/teamInvitationNotFound`` when it is
    ///   unknown, another organization's, used, revoked or expired (one answer for all).
    @discardableResult
    public func revokeTeamInvitation(_ id: Int64, in scope: OrganizationScope, at now: Date = Date()) async throws
        -> TeamInvitation
    {
        try scope.requireAdmin("revoke the team's invitations")
        return try await transaction { database in
            try await Self.revokePendingTeamInvitation(id, in: scope, at: now, database)
        }
    }

    /// Sends a team invitation again: the pending one is revoked (its token dead at once) and a new one, with a
    /// fresh token and a full lifetime, is made for the same name, email and role, in one transaction (admins
    /// only). The caller delivers the new link.
    /// - Throws: as ``revokeTeamInvitation(_:in:at:)``.
    public func resendTeamInvitation(
        _ id: Int64, invitedBy: MemberID?, in scope: OrganizationScope, at now: Date = Date()
    ) async throws -> (invitation: TeamInvitation, token: InvitationToken) {
        try scope.requireAdmin("resend the team's invitations")
        let token = InvitationToken.generate()
        let sent = Date(storedMilliseconds: now.storedMilliseconds)
        let expiresAt = Date(storedMilliseconds: now.addingTimeInterval(TeamInvitation.lifetime).storedMilliseconds)
        return try await transaction { database in
            let old = try await Self.revokePendingTeamInvitation(id, in: scope, at: now, database)
            let row = try await database.insert(into: "member_invitations")
                .columns(
                    "organization_id", "token_digest", "name", "email", "role", "invited_by", "created_at",
                    "expires_at"
                )
                .values(
                    SQLBind(old.organizationID.rawValue), SQLBind(token.digest.hex), SQLBind(old.name),
                    SQLBind(old.email), SQLBind(old.role.rawValue), SQLBind(invitedBy?.rawValue),
                    SQLBind(sent.storedMilliseconds), SQLBind(expiresAt.storedMilliseconds)
                ).returning("id").first()
            guard let row else { throw StoreError.corruptRow(table: "member_invitations", reason: "no id") }
            let invitation = TeamInvitation(
                id: try row.decode(column: "id", as: Int64.self), organizationID: old.organizationID, name: old.name,
                email: old.email, role: old.role, createdAt: sent, expiresAt: expiresAt)
            return (invitation, token)
        }
    }

    /// Marks a pending invitation of an organization in `scope` revoked and returns it.
    static func revokePendingTeamInvitation(
        _ id: Int64, in scope: OrganizationScope, at now: Date, _ database: any SQLDatabase
    ) async throws -> TeamInvitation {
        guard
            let row = try await database.select().columns(teamInvitationColumns).from("member_invitations")
                .where("id", .equal, SQLBind(id)).first(),
            case let invitation = try decodeTeamInvitation(row), scope.contains(invitation.organizationID)
        else { throw StoreError.teamInvitationNotFound }
        // The conditions again in the update, so that of a join and a revoke racing, exactly one wins.
        guard
            try await database.update("member_invitations").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id))
                .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                .returning("id").first() != nil
        else { throw StoreError.teamInvitationNotFound }
        return invitation
    }

    static let teamInvitationColumns = ["id", "organization_id", "name", "email", "role", "created_at", "expires_at"]

    static func decodeTeamInvitation(_ row: any SQLRow) throws -> TeamInvitation {
        TeamInvitation(
            id: try row.decode(column: "id", as: Int64.self),
            organizationID: OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self)),
            name: try row.decode(column: "name", as: String.self),
            email: try row.decode(column: "email", as: String.self),
            role: MemberRole(rawValue: try row.decode(column: "role", as: String.self)) ?? .staff,
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(storedMilliseconds: try row.decode(column: "expires_at", as: Int64.self)))
    }
}
