import Foundation

/// Who opened a practice link (docs/ARCHITECTURE.md, "Connect").
public enum Visitor: Equatable, Sendable {
    /// Logged out, or no account yet.
    case anonymous
    case patient(Patient)
    case member(Member)

    public var identity: Identity {
        switch self {
        case .anonymous: .anonymous
        case .patient(let patient): .patient(patient.id)
        case .member(let member): .member(member.id, of: member.organizationID)
        }
    }
}

/// What the link carries through signup or login: which practice, which tags, which invitation.
public struct SignupContinuation: Codable, Equatable, Sendable {
    public static let purpose = "signup-continuation"
    public static let lifetime: TimeInterval = 60 * 60

    public let code: LinkCode
    public let tags: [ConversationTag]
    /// The digest of the invitation the visitor came through, if any: enough to find and consume it, never the token.
    public let invitationDigest: String?

    public init(code: LinkCode, tags: [ConversationTag], invitationDigest: String?) {
        self.code = code
        self.tags = tags
        self.invitationDigest = invitationDigest
    }
}

/// The "Connect with ⟨clinic⟩?" question put to a member of another clinic, signed so the answer can only
/// connect the clinic the member actually opened the link of.
public struct ClinicPrompt: Codable, Equatable, Sendable {
    public static let purpose = "clinic-prompt"
    public static let lifetime: TimeInterval = 24 * 60 * 60

    public let memberID: MemberID
    public let organizationID: OrganizationID
    public let otherOrganizationID: OrganizationID
    public let otherOrganizationName: String
    public let code: LinkCode

    public init(
        memberID: MemberID, organizationID: OrganizationID, otherOrganizationID: OrganizationID,
        otherOrganizationName: String, code: LinkCode
    ) {
        self.memberID = memberID
        self.organizationID = organizationID
        self.otherOrganizationID = otherOrganizationID
        self.otherOrganizationName = otherOrganizationName
        self.code = code
    }

    /// The question as shown: "Connect with Lumen Dermatology?"
    public var question: String { "Connect with \(otherOrganizationName)?" }
}

/// The outcome of opening a link, one per row of the connect table (docs/ARCHITECTURE.md, "Connect").
public enum ConnectOutcome: Equatable, Sendable {
    /// Logged out or new: go to patient signup, carrying this signed continuation.
    case signupRequired(continuation: String, profile: ClinicProfile)
    /// A patient connected to the practice; `isNew` is false when the conversation already existed.
    case connected(ConversationID, isNew: Bool)
    /// A member of another clinic: back to their inbox with this prompt, signed in `token`.
    case confirmClinicConnection(ClinicPrompt, token: String)
    /// The two clinics are connected; `isNew` is false when they already were.
    case clinicsConnected(ConversationID, isNew: Bool)
    /// The member said "Not now": nothing was created.
    case declined
    /// A member opened their own organization's link.
    case ownPractice
    /// The link is unknown, disabled, or the invitation expired, accepted or revoked (``Resolution``).
    case unavailable(Resolution)
}

/// The pure decision of the connect flow: given who the visitor is and what the link resolved to, what happens.
public enum ConnectDecision: Equatable, Sendable {
    case unavailable(Resolution)
    case requireSignup
    case connectPatient
    case promptClinic
    case ownPractice

    public static func decide(visitor: Visitor, resolution: Resolution) -> ConnectDecision {
        guard case .found(let link, _, _) = resolution else { return .unavailable(resolution) }
        switch visitor {
        case .anonymous: return .requireSignup
        case .patient: return .connectPatient
        case .member(let member):
            return member.organizationID == link.organizationID ? .ownPractice : .promptClinic
        }
    }
}
