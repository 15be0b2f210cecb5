import Foundation

/// A link's connection carried across the app's install: made by **Get the App & Connect** on a phone, bound to
/// the link (and the invitation the visitor came through) and its tags, single-use and short-lived. The app
/// claims it with the ``HandoffToken`` (install referrer, universal link) or the ``ConnectCode`` a person typed.
public struct Handoff: Equatable, Sendable {
    /// How long a handoff can be claimed, unless configured otherwise.
    public static let defaultLifetime: TimeInterval = 24 * 60 * 60

    public let id: Int64
    public let linkCode: LinkCode
    public let invitationID: InvitationID?
    public let tags: [ConversationTag]
    public let createdAt: Date
    public let expiresAt: Date
    public let claimedAt: Date?

    public init(
        id: Int64, linkCode: LinkCode, invitationID: InvitationID?, tags: [ConversationTag], createdAt: Date,
        expiresAt: Date, claimedAt: Date?
    ) {
        self.id = id
        self.linkCode = linkCode
        self.invitationID = invitationID
        self.tags = tags
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.claimedAt = claimedAt
    }
}

/// The two secrets of a new handoff, shown once: to the page, never stored.
public struct HandoffSecrets: Sendable {
    public let token: HandoffToken
    public let code: ConnectCode

    public init(token: HandoffToken, code: ConnectCode) {
        self.token = token
        self.code = code
    }
}

/// What the app hands over to claim a handoff.
public enum HandoffSecret: Sendable {
    case token(HandoffToken)
    case code(ConnectCode)
}

/// A claimed handoff: the practice to show, and the same signed signup continuation the web flow carries.
public struct HandoffClaim: Equatable, Sendable {
    public let code: LinkCode
    public let profile: ClinicProfile
    public let continuation: String
    /// Whether the handoff carries an invitation (signup must then use the invited email or phone).
    public let isInvitation: Bool

    public init(code: LinkCode, profile: ClinicProfile, continuation: String, isInvitation: Bool) {
        self.code = code
        self.profile = profile
        self.continuation = continuation
        self.isInvitation = isInvitation
    }
}

/// Why a handoff cannot be claimed; each is its own answer to the app.
public enum HandoffError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No handoff has this token or code.
    case unknown
    case expired
    case alreadyClaimed
    /// The link was disabled, or the invitation was accepted or revoked, since the handoff was made.
    case unavailable(Resolution)

    public var description: String {
        switch self {
        case .unknown: "no handoff has this token or connect code"
        case .expired: "this handoff has expired; tap Get the App & Connect again"
        case .alreadyClaimed: "this handoff was already claimed; each one works once"
        case .unavailable: "the link of this handoff no longer works"
        }
    }
}
