import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Resolves a practice code to its link and public profile (``Resolution``).
    ///
    /// One query: the link joined with its organization and its tags, one row per tag (the HTTP service's hot path).
    public func resolve(code: LinkCode) async throws -> Resolution {
        try await read { database in
            let linkColumns = Self.linkColumns.map { "l.\($0) AS link_\($0)" }.joined(separator: ", ")
            let organizationColumns = Self.organizationColumns.map { "o.\($0)" }.joined(separator: ", ")
            let query: SQLQueryString = """
                SELECT \(unsafeRaw: linkColumns), \(unsafeRaw: organizationColumns), t.tag AS link_tag FROM links l \
                LEFT JOIN organizations o ON o.id = l.organization_id \
                LEFT JOIN link_tags t ON t.link_id = l.id WHERE l.code = \(bind: code.rawValue)
                """
            let rows = try await database.raw(query).all()
            guard let row = rows.first else { return .notFound }
            let tags = try rows.compactMap { try $0.decode(column: "link_tag", as: String?.self) }.map(
                ConversationTag.init)
            let statusText = try row.decode(column: "link_status", as: String.self)
            guard let status = LinkStatus(rawValue: statusText) else {
                throw StoreError.corruptRow(table: "links", reason: "unknown status \(statusText)")
            }
            let link = PracticeLink(
                id: LinkID(rawValue: try row.decode(column: "link_id", as: Int64.self)),
                code: try LinkCode(try row.decode(column: "link_code", as: String.self)),
                organizationID: OrganizationID(
                    rawValue: try row.decode(column: "link_organization_id", as: Int64.self)),
                label: try row.decode(column: "link_label", as: String.self),
                tags: tags,
                status: status,
                isPrimary: try row.decode(column: "link_is_primary", as: Bool.self),
                createdAt: Date(storedMilliseconds: try row.decode(column: "link_created_at", as: Int64.self)),
                qrColors: try Self.decodeQRColors(row, prefix: "link_")
            )
            let organization =
                try row.decode(column: "id", as: Int64?.self) == nil ? nil : try Self.decodeOrganization(row)
            return Resolution.decide(link: link, profile: organization?.profile)
        }
    }

    /// Resolves an invitation token: the link it is bound to, or why it no longer works.
    public func resolve(invitation token: InvitationToken, at now: Date = Date()) async throws -> Resolution {
        try await read { database in
            guard let invitation = try await Self.invitation(digest: token.digest, in: database),
                let link = try await Self.link(id: invitation.linkID, in: database)
            else { return .notFound }
            let organization = try await Self.organization(id: link.organizationID, in: database)
            return Resolution.decide(invitation: invitation, link: link, profile: organization?.profile, at: now)
        }
    }
}
