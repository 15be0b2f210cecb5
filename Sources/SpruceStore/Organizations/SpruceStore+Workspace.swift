import Foundation
import SQLKit
import SpruceCore

/// A page of an organization's links, oldest first, and the cursor of the next page.
public struct LinkPage: Equatable, Sendable {
    public let links: [PracticeLink]
    /// The id to pass as `after` for the next page; `nil` on the last page.
    public let nextCursor: Int64?
}

/// A page of an organization's invitations, newest first, and the cursor of the next page.
public struct InvitationPage: Equatable, Sendable {
    public let records: [InvitationRecord]
    /// Which of the page's invitations went to an address that has since opted out.
    public let optedOut: Set<InvitationID>
    /// The id to pass as `before` for the next page; `nil` on the last page.
    public let nextCursor: Int64?
}

/// A link as a form offers it: enough to name it in a list of choices.
public struct LinkChoice: Equatable, Sendable {
    public let id: LinkID
    public let code: LinkCode
    public let label: String
    public let isPrimary: Bool
    public let isActive: Bool
}

/// Which invitations a list shows.
public enum InvitationStatusFilter: String, CaseIterable, Sendable {
    case pending, accepted, expired, revoked
    case optedOut = "opted-out"
}

extension SpruceStore {
    /// The most rows a workspace list page holds.
    public static let workspacePageLimit = 100

    /// A page of the organization's links (every role may see them).
    /// - Throws: ``StoreError/organizationNotFound(id:)`` when the scope has no organization (the operator).
    public func linkPage(in scope: OrganizationScope, after cursor: Int64? = nil, limit: Int = 25) async throws
        -> LinkPage
    {
        guard let organizationID = scope.organizationID else { throw StoreError.organizationNotFound(id: 0) }
        let limit = min(max(limit, 1), Self.workspacePageLimit)
        return try await read { database in
            var query = database.select().columns(Self.linkColumns).from("links")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            if let cursor { query = query.where("id", .greaterThan, SQLBind(cursor)) }
            let rows = try await query.orderBy("id").limit(limit + 1).all()
            let links = try await Self.withTags(rows.prefix(limit).map(Self.decodeLink), in: database)
            return LinkPage(links: links, nextCursor: rows.count > limit ? links.last?.id.rawValue : nil)
        }
    }

    /// The first `limit` links of the scope's organization (oldest first) as a form's choices: code, label,
    /// primary and active, without tags, in one statement.
    public func linkChoices(in scope: OrganizationScope, limit: Int = workspacePageLimit) async throws
        -> [LinkChoice]
    {
        guard let organizationID = scope.organizationID else { throw StoreError.organizationNotFound(id: 0) }
        let limit = min(max(limit, 1), Self.workspacePageLimit)
        return try await read { database in
            let query: SQLQueryString = """
                SELECT id, code, label, status, is_primary FROM links \
                WHERE organization_id = \(bind: organizationID.rawValue) ORDER BY id LIMIT \(bind: limit)
                """
            return try await database.raw(query).all().map { row in
                let status = try row.decode(column: "status", as: String.self)
                guard let status = LinkStatus(rawValue: status) else {
                    throw StoreError.corruptRow(table: "links", reason: "unknown status \(status)")
                }
                return LinkChoice(
                    id: LinkID(rawValue: try row.decode(column: "id", as: Int64.self)),
                    code: try LinkCode(try row.decode(column: "code", as: String.self)),
                    label: try row.decode(column: "label", as: String.self),
                    isPrimary: try row.decode(column: "is_primary", as: Bool.self), isActive: status == .active)
            }
        }
    }

    /// One link of the scope's organization, with how many pending invitations go through it. Another
    /// organization's link answers exactly like a missing one.
    /// - Throws: ``StoreError/linkNotFound``.
    public func workspaceLink(code: LinkCode, in scope: OrganizationScope, at now: Date = Date()) async throws
        -> (link: PracticeLink, pendingInvitations: Int)
    {
        // One statement: the link, one row per tag, and the count of its pending invitations.
        let rows = try await read { database in
            let columns = Self.linkColumns.map { "l.\($0)" }.joined(separator: ", ")
            let query: SQLQueryString = """
                SELECT \(unsafeRaw: columns), t.tag AS link_tag, (SELECT COUNT(*) FROM invitations i \
                WHERE i.link_id = l.id AND i.used_at IS NULL AND i.revoked_at IS NULL \
                AND i.expires_at > \(bind: now.storedMilliseconds)) AS pending FROM links l \
                LEFT JOIN link_tags t ON t.link_id = l.id WHERE l.code = \(bind: code.rawValue) ORDER BY t.tag
                """
            return try await database.raw(query).all()
        }
        guard let row = rows.first else { throw StoreError.linkNotFound }
        var link = try Self.decodeLink(row)
        guard scope.contains(link.organizationID) else { throw StoreError.linkNotFound }
        link.tags = try rows.compactMap { try $0.decode(column: "link_tag", as: String?.self) }
            .map(ConversationTag.init)
        return (link, try row.decode(column: "pending", as: Int.self))
    }

    /// A page of the scope's organization's invitations, newest first, filtered by status and link (every role).
    /// - Parameters:
    ///   - link: only invitations through this link; another organization's link shows nothing.
    ///   - cursor: the id the previous page ended after (newest first: the next page's ids are smaller).
    public func invitationPage(
        in scope: OrganizationScope,
        status: InvitationStatusFilter? = nil,
        link: LinkCode? = nil,
        before cursor: Int64? = nil,
        limit: Int = 25,
        at now: Date = Date()
    ) async throws -> InvitationPage {
        guard let organizationID = scope.organizationID else { throw StoreError.organizationNotFound(id: 0) }
        let limit = min(max(limit, 1), Self.workspacePageLimit)
        let nowMS = now.storedMilliseconds
        let optedOut =
            "EXISTS (SELECT 1 FROM invitation_opt_outs o WHERE o.address = invitations.recipient_email"
            + " OR o.address = invitations.recipient_phone)"
        return try await read { database in
            var query = database.select().columns(Self.recordColumns).from("invitations")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            if let link {
                guard let found = try await Self.link(code: link, in: database), found.organizationID == organizationID
                else { return InvitationPage(records: [], optedOut: [], nextCursor: nil) }
                query = query.where("link_id", .equal, SQLBind(found.id.rawValue))
            }
            if let cursor { query = query.where("id", .lessThan, SQLBind(cursor)) }
            switch status {
            case .none: break
            case .accepted?: query = query.where("used_at", .isNot, SQLLiteral.null)
            case .pending?:
                query = query.where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(nowMS))
            case .expired?:
                query = query.where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .lessThanOrEqual, SQLBind(nowMS))
            case .revoked?:
                query = query.where("used_at", .is, SQLLiteral.null).where("revoked_at", .isNot, SQLLiteral.null)
                    .where(SQLRaw("NOT " + optedOut))
            case .optedOut?: query = query.where("used_at", .is, SQLLiteral.null).where(SQLRaw(optedOut))
            }
            let rows = try await query.orderBy("id", .descending).limit(limit + 1).all()
            // The page's tags and opt-outs in one statement each, not one per row.
            let records = try await Self.decodeRecords(Array(rows.prefix(limit)), in: database)
            let open = records.filter { $0.invitation.acceptedAt == nil }
            let addresses = Set(
                open.flatMap { [$0.invitation.recipient.email, $0.invitation.recipient.phone] }
                    .compactMap { $0 })
            let optedOutAddresses = try await Self.optedOutAddresses(addresses, in: database)
            let opted = Set(
                open.filter { record in
                    [record.invitation.recipient.email, record.invitation.recipient.phone]
                        .contains { $0.map(optedOutAddresses.contains) ?? false }
                }.map(\.invitation.id))
            return InvitationPage(
                records: records, optedOut: opted,
                nextCursor: rows.count > limit ? records.last?.invitation.id.rawValue : nil)
        }
    }

    /// One invitation of the scope's organization with its delivery state; another organization's answers
    /// exactly like a missing one.
    /// - Throws: ``StoreError/invitationNotFound``.
    public func invitationRecord(id: InvitationID, in scope: OrganizationScope) async throws -> InvitationRecord {
        try await read { database in
            var query = database.select().columns(Self.recordColumns).from("invitations")
                .where("id", .equal, SQLBind(id.rawValue))
            if let organizationID = scope.organizationID {
                query = query.where("organization_id", .equal, SQLBind(organizationID.rawValue))
            }
            guard let row = try await query.first() else { throw StoreError.invitationNotFound }
            return try await Self.decodeRecord(row, in: database)
        }
    }

    /// One invitation of the scope's organization with the code of the link it goes through (to send it again).
    /// - Throws: ``StoreError/invitationNotFound``, also for another organization's.
    public func invitationWithLink(id: InvitationID, in scope: OrganizationScope) async throws
        -> (record: InvitationRecord, link: PracticeLink)
    {
        let record = try await invitationRecord(id: id, in: scope)
        let link = try await read { database in try await Self.link(id: record.invitation.linkID, in: database) }
        guard let link else { throw StoreError.invitationNotFound }
        return (record, link)
    }

    /// Replaces the organization's public profile, with the same validation as creating it. The public page
    /// follows through the link change feed on every instance. Admins only.
    /// - Throws: ``ProfileError`` for a bad field, ``StoreError/forbidden(_:)`` for staff,
    ///   ``StoreError/organizationNotFound(id:)``.
    @discardableResult
    public func updateProfile(_ profile: ClinicProfile, of organizationID: OrganizationID, in scope: OrganizationScope)
        async throws -> Organization
    {
        try scope.requireAdmin("edit the profile")
        guard scope.contains(organizationID) else { throw StoreError.organizationNotFound(id: organizationID.rawValue) }
        let profile = try profile.validated()
        return try await transaction { database in
            guard let current = try await Self.organization(id: organizationID, in: database) else {
                throw StoreError.organizationNotFound(id: organizationID.rawValue)
            }
            try await database.update("organizations")
                .set("display_name", to: SQLBind(profile.displayName))
                .set("specialty", to: SQLBind(profile.specialty)).set("summary", to: SQLBind(profile.summary))
                .set("address", to: SQLBind(profile.address)).set("phone", to: SQLBind(profile.phone))
                .set("website", to: SQLBind(profile.website)).set("hours", to: SQLBind(profile.hours))
                .set("accepts_new_patients", to: SQLBind(profile.acceptsNewPatients))
                .where("id", .equal, SQLBind(organizationID.rawValue)).run()
            var kept = profile
            kept.kind = current.profile.kind
            return Organization(id: organizationID, profile: kept, createdAt: current.createdAt)
        }
    }
}
