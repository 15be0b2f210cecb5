import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// The link with `code` and its organization, for `identity` to print: only a member of the link's
    /// organization may.
    /// - Throws: ``StoreError/linkNotFound`` when no link has the code, and exactly the same when `identity` is not
    ///   a member of the link's organization, so nobody learns which codes exist elsewhere; ``TooManyAttempts``
    ///   past the member's ``Throttles/printsPerMember``.
    public func printableLink(code: LinkCode, as identity: Identity, at now: Date = Date()) async throws -> (
        link: PracticeLink, organization: Organization
    ) {
        guard case .member(let memberID, let organizationID) = identity else { throw StoreError.linkNotFound }
        let policy = settings.throttles.printsPerMember
        return try await transaction { database in
            guard let link = try await Self.link(code: code, in: database), link.organizationID == organizationID,
                let organization = try await Self.organization(id: organizationID, in: database)
            else { throw StoreError.linkNotFound }
            try await RateCounter.take(
                "print:member:\(memberID)", policy: policy, scope: "print downloads for this account", at: now,
                in: database)
            return (link, organization)
        }
    }
}
