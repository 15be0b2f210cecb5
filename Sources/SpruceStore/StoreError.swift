import SpruceCore

/// Why a store operation was refused or failed. Messages name the rule or the record, never a secret.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalidLocation(String)
    case organizationNotFound(id: Int64)
    case linkNotFound
    case invitationNotFound
    case invalidInput(field: String, rule: String)
    case codeTaken
    case noFreeCode(attempts: Int)
    case migrationFailed(version: Int, reason: String)
    case newerSchema(found: Int, known: Int)
    case corruptRow(table: String, reason: String)
    case seedFailed(String)
    /// The caller may see the record but not do this to it (a staff member, an admin action).
    case forbidden(String)
    /// No member with that id or email in scope (another organization's member answers the same).
    case memberNotFound
    /// The change would leave an organization without an admin.
    case lastAdmin
    /// The team invitation is unknown, used, revoked or expired (one answer for all, so none is confirmed).
    case teamInvitationUnavailable
    /// No pending team invitation with that id in scope (another organization's, used, revoked or expired answer
    /// the same): the workspace's Revoke and Resend.
    case teamInvitationNotFound
    /// The database server cannot be reached (stopped, restarting, network): worth retrying later.
    case databaseUnavailable
    /// An account message (a code, a notice) had to be sent, but no messenger is configured.
    case noMessenger

    public var description: String {
        switch self {
        case .invalidLocation(let reason): "invalid database setting: \(reason)"
        case .organizationNotFound(let id): "no organization with id \(id)"
        case .linkNotFound: "no link with that code"
        case .invitationNotFound: "no such invitation"
        case .invalidInput(let field, let rule): "\(field): \(rule)"
        case .codeTaken: "that code is already taken (codes are never reissued, even when disabled)"
        case .noFreeCode(let attempts): "no free code found after \(attempts) attempts"
        case .migrationFailed(let version, let reason): "migration \(version) failed: \(reason)"
        case .newerSchema(let found, let known):
            "the database schema is at version \(found), newer than this build knows (\(known)); upgrade sprucelink"
        case .corruptRow(let table, let reason): "unreadable row in \(table): \(reason)"
        case .seedFailed(let reason): "seed failed: \(reason)"
        case .forbidden(let reason): reason
        case .memberNotFound: "no member with that id or email"
        case .lastAdmin: "an organization keeps at least one admin: make another member admin first"
        case .teamInvitationUnavailable: "this invitation to join the team is unknown, already used, revoked or expired"
        case .teamInvitationNotFound: "no pending invitation to the team with that id"
        case .databaseUnavailable: "the database is unavailable; try again shortly"
        case .noMessenger: "account messages cannot be sent: no email or text delivery is configured"
        }
    }
}

/// An invitation that cannot be used, with the ``Resolution`` that says why (used, expired, revoked, unknown).
public struct InvitationUnavailable: Error, Equatable, Sendable, CustomStringConvertible {
    public let resolution: Resolution
    public var description: String { resolution.message }
}
