import Foundation

/// What a scanned link leads to: a practice, or one of the distinct reasons it does not.
public enum Resolution: Equatable, Sendable {
    /// The link is active; `invitation` is set when it came through a valid private invitation.
    case found(link: PracticeLink, profile: ClinicProfile, invitation: Invitation? = nil)
    case notFound
    case disabled
    case invitationExpired
    case invitationAccepted
    case invitationRevoked

    /// Decides the outcome for a practice link looked up by code.
    public static func decide(link: PracticeLink?, profile: ClinicProfile?) -> Resolution {
        guard let link, let profile else { return .notFound }
        guard link.status == .active else { return .disabled }
        return .found(link: link, profile: profile)
    }

    /// Decides the outcome for an invitation looked up by token digest, with the link it is bound to.
    public static func decide(
        invitation: Invitation?,
        link: PracticeLink?,
        profile: ClinicProfile?,
        at now: Date
    ) -> Resolution {
        guard let invitation, let link, let profile else { return .notFound }
        switch invitation.state(at: now) {
        case .revoked: return .invitationRevoked
        case .accepted: return .invitationAccepted
        case .expired: return .invitationExpired
        case .pending: break
        }
        guard link.status == .active else { return .disabled }
        return .found(link: link, profile: profile, invitation: invitation)
    }

    /// The HTTP status this outcome maps to: 200, 404, or 410 for anything that existed and no longer works.
    public var httpStatus: Int {
        switch self {
        case .found: 200
        case .notFound: 404
        case .disabled, .invitationExpired, .invitationAccepted, .invitationRevoked: 410
        }
    }

    /// What the visitor is told.
    public var message: String {
        switch self {
        case .found(_, let profile, _): "Connect with \(profile.displayName)"
        case .notFound: "No practice uses this link. Check it for typos, or ask the practice for a new one."
        case .disabled: "This link is no longer active."
        case .invitationExpired: "This invitation has expired. Ask the practice to send a new one."
        case .invitationAccepted: "This invitation has already been accepted. Log in to reach the practice."
        case .invitationRevoked: "This invitation was withdrawn by the practice."
        }
    }

    /// A stable machine name for the outcome, used in JSON, metrics and CLI exit codes.
    public var outcome: String {
        switch self {
        case .found: "found"
        case .notFound: "not_found"
        case .disabled: "disabled"
        case .invitationExpired: "invitation_expired"
        case .invitationAccepted: "invitation_accepted"
        case .invitationRevoked: "invitation_revoked"
        }
    }
}
