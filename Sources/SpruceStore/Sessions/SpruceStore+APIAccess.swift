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
        limit: Int = InboxPageSize.standard.count
    ) async throws -> InboxPage {
        let limit = min(max(limit, 1), 100)
        return try await read { database in
            guard try await Self.organization(id: organizationID, in: database) != nil else {
                throw StoreError.organizationNotFound(id: organizationID.rawValue)
            }
            return try await Self.inboxPage(
                of: organizationID, filter: filter, after: cursor, limit: limit, in: database)
        }
    }
}
