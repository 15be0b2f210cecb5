/// What an alert says, decided by the core: the store records ``text`` with the alert and never writes sentences
/// of its own.
public enum AlertMessage: Equatable, Sendable {
    /// To the other clinic: `clinic` started a group conversation with them and `patient`.
    case groupStarted(by: String, patient: String)
    /// To the starting clinic's other members.
    case groupStartedWith(clinic: String, patient: String)
    /// To the practice: a patient connected, through a labelled link when `linkLabel` is not empty.
    case patientConnected(patient: String, practice: String, linkLabel: String)
    /// To the clinic that was connected with.
    case clinicConnected(by: String)
    /// To the connecting clinic's other members.
    case clinicConversationStarted(with: String)
    /// To the members of the organizations in a conversation.
    case messageReceived(from: String)

    /// The kind it is filed under.
    public var kind: Alert.Kind {
        switch self {
        case .groupStarted, .groupStartedWith, .patientConnected, .clinicConversationStarted: .conversationStarted
        case .clinicConnected: .clinicAdded
        case .messageReceived: .messageReceived
        }
    }

    /// The sentence shown to members.
    public var text: String {
        switch self {
        case .groupStarted(let clinic, let patient): "\(clinic) started a group conversation with you and \(patient)"
        case .groupStartedWith(let clinic, let patient): "Group conversation with \(clinic) and \(patient) started"
        case .patientConnected(let patient, let practice, let label):
            "\(patient) connected with \(practice)" + (label.isEmpty ? "" : " through “\(label)”")
        case .clinicConnected(let clinic): "\(clinic) connected with your clinic on Spruce"
        case .clinicConversationStarted(let clinic): "New conversation with \(clinic)"
        case .messageReceived(let author): "New message from \(author)"
        }
    }
}
