import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// A page of an organization's conversations for its API key: the same list its members' inbox shows,
    /// newest activity first. The key stands for the organization, so no member is involved.
    /// - Throws: ``StoreError/organizationNotFound(id:)``.
    public func inbox(
        of organizationID: OrganizationID,
        filter: InboxFilter = .all,
        after cursor: InboxCursor? = nil,
        limit: Int = 25
    ) async throws -> InboxPage {
        let limit = min(max(limit, 1), 100)
        return try await read { database in
            guard try await Self.organization(id: organizationID, in: database) != nil else {
                throw StoreError.organizationNotFound(id: organizationID.rawValue)
            }
            var query = database.select()
                .column(SQLColumn("id", table: "conversations")).column(SQLColumn("activity", table: "conversations"))
                .from("conversations")
                .join(
                    "conversation_participants", on: SQLColumn("conversation_id", table: "conversation_participants"),
                    .equal, SQLColumn("id", table: "conversations")
                )
                .where(
                    SQLColumn("organization_id", table: "conversation_participants"), .equal,
                    SQLBind(organizationID.rawValue))
            if filter == .clinics {
                query = query.where(
                    SQLColumn("kind", table: "conversations"), .in,
                    SQLGroupExpression([SQLBind(ConversationKind.clinic.rawValue), SQLBind(ConversationKind.group.rawValue)])
                )
            }
            if let cursor {
                query = query.where(SQLColumn("activity", table: "conversations"), .lessThan, SQLBind(cursor.activity))
            }
            let rows = try await query.orderBy(SQLColumn("activity", table: "conversations"), SQLDirection.descending)
                .limit(limit + 1).all()
            var entries: [InboxEntry] = []
            var lastActivity: Int64 = 0
            for row in rows.prefix(limit) {
                let id = ConversationID(rawValue: try row.decode(column: "id", as: Int64.self))
                lastActivity = try row.decode(column: "activity", as: Int64.self)
                entries.append(try await Self.entry(for: id, viewer: .organization(organizationID), in: database))
            }
            return InboxPage(entries: entries, nextCursor: rows.count > limit ? InboxCursor(activity: lastActivity) : nil)
        }
    }
}
