/// Why a recipient is not invited: the rules that every front door (CLI, API, workspace) shares, decided by the
/// store's one invitation operation (`SpruceStore.prepareInvitations`).
public enum InvitationRefusal: Error, Equatable, Sendable, CustomStringConvertible {
    /// The address (a normalized email or an E.164 number) opted out of invitations: never invite it.
    case optedOut(address: String)
    /// A still-valid invitation to the same practice exists for the same email or phone.
    case alreadyInvited(InvitationID)

    /// The input field the refusal is about: `email` or `phone` for an opt-out, `recipient` otherwise.
    public var field: String {
        switch self {
        case .optedOut(let address): address.contains("@") ? "email" : "phone"
        case .alreadyInvited: "recipient"
        }
    }

    /// The rule, as a phrase that follows the field.
    public var rule: String {
        switch self {
        case .optedOut: "opted out of invitations"
        case .alreadyInvited(let id): "already holds a valid invitation to this practice (invitation \(id))"
        }
    }

    public var description: String {
        switch self {
        case .optedOut(let address): "\(address) opted out of invitations"
        case .alreadyInvited(let id): "already invited (invitation \(id))"
        }
    }
}

extension InvitationPreparation {
    /// Why nothing new is to be delivered: an opt-out or a valid invitation already made (delivered, or recorded
    /// and still waiting for delivery); `nil` for a new invitation.
    public var refusal: InvitationRefusal? {
        switch self {
        case .created: nil
        case .optedOut(let address): .optedOut(address: address)
        case .alreadyInvited(let record), .undelivered(let record): .alreadyInvited(record.invitation.id)
        }
    }
}
