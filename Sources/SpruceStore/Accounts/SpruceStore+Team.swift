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

    /// The organization's members, admins first, then by name. Admins only.
    /// - Throws: ``StoreError/forbidden(_:)`` for staff.
    public func members(in scope: OrganizationScope, of organizationID: OrganizationID) async throws -> [Member] {
        try scope.requireAdmin("see the team")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        return try await read { database in
            try await database.select().columns(Self.memberColumns).from("members")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                .where("removed_at", .is, SQLLiteral.null)
                .orderBy("role").orderBy("name").orderBy("id").all().map(Self.decodeMember)
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
