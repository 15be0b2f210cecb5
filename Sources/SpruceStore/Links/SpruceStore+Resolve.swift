import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Resolves a practice code to its link and public profile (DESIGN §2.5).
    public func resolve(code: LinkCode) async throws -> Resolution {
        try await read { database in
            guard let link = try await Self.link(code: code, in: database) else { return .notFound }
            let organization = try await Self.organization(id: link.organizationID, in: database)
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
