import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// The invitation whose token has `digest`, with its link's tags, or `nil`.
    public func invitation(digest: TokenDigest) async throws -> Invitation? {
        try await read { database in try await Self.invitation(digest: digest, in: database) }
    }

    static func invitation(digest: TokenDigest, in database: any SQLDatabase) async throws -> Invitation? {
        guard
            let row = try await database.select().columns(invitationColumns).from("invitations")
                .where("token_digest", .equal, SQLBind(digest.hex)).first()
        else { return nil }
        return try await decodeInvitation(row, in: database)
    }

    /// Revokes an invitation; revoking twice keeps the first time. Staff may revoke (they invite too).
    /// - Throws: ``StoreError/invitationNotFound``, also for an invitation out of `scope`.
    @discardableResult
    public func revokeInvitation(
        id: InvitationID, in scope: OrganizationScope = .everyOrganization, at now: Date = Date()
    ) async throws -> Invitation {
        try await transaction { database in
            var update = database.update("invitations").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id.rawValue)).where("revoked_at", .is, SQLLiteral.null)
            var select = database.select().columns(Self.invitationColumns).from("invitations")
                .where("id", .equal, SQLBind(id.rawValue))
            if let organizationID = scope.organizationID {
                update = update.where("organization_id", .equal, SQLBind(organizationID.rawValue))
                select = select.where("organization_id", .equal, SQLBind(organizationID.rawValue))
            }
            try await update.run()
            guard let row = try await select.first() else { throw StoreError.invitationNotFound }
            return try await Self.decodeInvitation(row, in: database)
        }
    }

    /// Consumes a pending invitation, exactly once: the update only matches an unused, unrevoked, unexpired row,
    /// so of two concurrent callers one wins and the other is told the invitation is used.
    /// - Returns: the consumed invitation.
    /// - Throws: ``InvitationUnavailable`` saying why the invitation cannot be used.
    @discardableResult
    public func acceptInvitation(_ token: InvitationToken, at now: Date = Date()) async throws -> Invitation {
        try await transaction { database in try await Self.acceptInvitation(digest: token.digest, at: now, in: database)
        }
    }

    static func acceptInvitation(digest: TokenDigest, at now: Date, in database: any SQLDatabase) async throws
        -> Invitation
    {
        let updated = try await database.update("invitations").set("used_at", to: SQLBind(now.storedMilliseconds))
            .where("token_digest", .equal, SQLBind(digest.hex))
            .where("used_at", .is, SQLLiteral.null)
            .where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
            .returning("id").all()
        guard let invitation = try await invitation(digest: digest, in: database) else {
            throw InvitationUnavailable(resolution: .notFound)
        }
        guard !updated.isEmpty else {
            switch invitation.state(at: now) {
            case .revoked: throw InvitationUnavailable(resolution: .invitationRevoked)
            case .expired: throw InvitationUnavailable(resolution: .invitationExpired)
            case .accepted, .pending: throw InvitationUnavailable(resolution: .invitationAccepted)
            }
        }
        return invitation
    }

    /// An organization's invitations, newest first.
    public func invitations(of organizationID: OrganizationID) async throws -> [Invitation] {
        try await read { database in
            var invitations: [Invitation] = []
            for row in try await database.select().columns(Self.invitationColumns).from("invitations")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue)).orderBy("id", .descending).all()
            {
                invitations.append(try await Self.decodeInvitation(row, in: database))
            }
            return invitations
        }
    }

    static let invitationColumns = [
        "id", "token_digest", "link_id", "organization_id", "recipient_name", "recipient_email", "recipient_phone",
        "created_at", "expires_at", "used_at", "revoked_at",
    ]

    static func decodeInvitation(_ row: any SQLRow, in database: any SQLDatabase) async throws -> Invitation {
        let linkID = LinkID(rawValue: try row.decode(column: "link_id", as: Int64.self))
        let tags = try await database.select().column("tag").from("link_tags")
            .where("link_id", .equal, SQLBind(linkID.rawValue)).orderBy("tag").all()
            .map { try ConversationTag(try $0.decode(column: "tag", as: String.self)) }
        return try decodeInvitation(row, tags: tags)
    }

    /// ``decodeInvitation(_:in:)`` with its link's tags already read (sorted).
    static func decodeInvitation(_ row: any SQLRow, tags: [ConversationTag]) throws -> Invitation {
        let linkID = LinkID(rawValue: try row.decode(column: "link_id", as: Int64.self))
        return Invitation(
            id: InvitationID(rawValue: try row.decode(column: "id", as: Int64.self)),
            tokenDigest: TokenDigest(hex: try row.decode(column: "token_digest", as: String.self)),
            linkID: linkID,
            organizationID: OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self)),
            recipient: InvitationRecipient(
                name: try row.decode(column: "recipient_name", as: String?.self),
                email: try row.decode(column: "recipient_email", as: String?.self),
                phone: try row.decode(column: "recipient_phone", as: String?.self)
            ),
            tags: tags,
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(storedMilliseconds: try row.decode(column: "expires_at", as: Int64.self)),
            acceptedAt: try row.decode(column: "used_at", as: Int64?.self).map(Date.init(storedMilliseconds:)),
            revokedAt: try row.decode(column: "revoked_at", as: Int64?.self).map(Date.init(storedMilliseconds:))
        )
    }
}
