import Foundation

/// The stored id of an invitation.
public typealias InvitationID = StoredID<Invitation>

/// Who a private invitation is for: an email address, a phone number, or both, and an optional name.
public struct InvitationRecipient: Equatable, Sendable, Codable {
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email?.lowercased()
        self.phone = phone
    }
}

/// A private, per-recipient invitation link as stored: its token is kept only as a digest (``TokenDigest``).
public struct Invitation: Equatable, Sendable {
    /// How long an invitation stays valid unless configured otherwise, in days.
    public static let defaultLifetimeDays = 30
    /// How long an invitation stays valid unless configured otherwise.
    public static let defaultLifetime = TimeInterval(defaultLifetimeDays) * 24 * 60 * 60
    /// The lifetimes a caller may ask for, in days.
    public static let lifetimeDays = 1...365

    public let id: InvitationID
    public let tokenDigest: TokenDigest
    public let linkID: LinkID
    public let organizationID: OrganizationID
    public let recipient: InvitationRecipient
    /// The tags of the practice link, copied when the invitation was made.
    public let tags: [ConversationTag]
    public let createdAt: Date
    public let expiresAt: Date
    public var acceptedAt: Date?
    public var revokedAt: Date?

    public init(
        id: InvitationID,
        tokenDigest: TokenDigest,
        linkID: LinkID,
        organizationID: OrganizationID,
        recipient: InvitationRecipient,
        tags: [ConversationTag],
        createdAt: Date,
        expiresAt: Date,
        acceptedAt: Date? = nil,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.tokenDigest = tokenDigest
        self.linkID = linkID
        self.organizationID = organizationID
        self.recipient = recipient
        self.tags = tags
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
    }

    /// The invitation's state at `now`. Revocation wins over use, and use over expiry.
    public func state(at now: Date) -> InvitationState {
        if revokedAt != nil { return .revoked }
        if acceptedAt != nil { return .accepted }
        if now >= expiresAt { return .expired }
        return .pending
    }
}

/// Where an invitation stands.
public enum InvitationState: String, Codable, Sendable, CaseIterable {
    case pending
    case accepted
    case expired
    case revoked
}
