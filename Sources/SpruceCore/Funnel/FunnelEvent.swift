/// What the funnel counts per link and day (docs/ARCHITECTURE.md, "The funnel"). Unique visitors are not an event:
/// they are estimated from a sketch (``HyperLogLog``).
public enum FunnelEvent: String, CaseIterable, Sendable, Codable, Comparable {
    /// A visit that came from a QR code the service rendered (its URL carries ``ScanMarker``).
    case scan
    /// A profile or invitation page view that is not a scan, or a profile JSON read by an app.
    case visit
    case connectClick = "connect_click"
    case signupStarted = "signup_started"
    /// Counted when the patient proves their address (the code, or an invitation sent to it).
    case signupCompleted = "signup_completed"
    case conversationPatient = "conversation_patient"
    case conversationClinic = "conversation_clinic"
    case invitationSent = "invitation_sent"
    /// The invitation's page was viewed.
    case invitationOpened = "invitation_opened"
    case invitationAccepted = "invitation_accepted"
    /// A bot, link preview, prefetch or `HEAD` (``TrafficClassifier``): counted apart, never in the funnel.
    case preview

    /// The column heading people read.
    public var label: String {
        switch self {
        case .scan: "Scans"
        case .visit: "Visits"
        case .connectClick: "Connect clicks"
        case .signupStarted: "Signups started"
        case .signupCompleted: "Signups completed"
        case .conversationPatient: "Patient conversations"
        case .conversationClinic: "Clinic conversations"
        case .invitationSent: "Invitations sent"
        case .invitationOpened: "Invitations opened"
        case .invitationAccepted: "Invitations accepted"
        case .preview: "Previews"
        }
    }

    /// The event's place in ``allCases``, without building that array (a flush sorts its rows by it).
    public var order: Int {
        switch self {
        case .scan: 0
        case .visit: 1
        case .connectClick: 2
        case .signupStarted: 3
        case .signupCompleted: 4
        case .conversationPatient: 5
        case .conversationClinic: 6
        case .invitationSent: 7
        case .invitationOpened: 8
        case .invitationAccepted: 9
        case .preview: 10
        }
    }

    public static func < (lhs: FunnelEvent, rhs: FunnelEvent) -> Bool { lhs.order < rhs.order }
}
