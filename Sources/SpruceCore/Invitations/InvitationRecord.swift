import Foundation

/// An invitation with its delivery bookkeeping: who sent it, on which channels, and when each was delivered.
public struct InvitationRecord: Equatable, Sendable {
    public let invitation: Invitation
    /// Who sent the invitation (an operator name or address), as recorded when it was made.
    public let invitedBy: String?
    /// The channels it is to be delivered on; empty for invitations made outside the delivery flow.
    public let channels: [InvitationChannel]
    public let emailDeliveredAt: Date?
    public let textDeliveredAt: Date?
    public let remindedAt: Date?

    public init(
        invitation: Invitation,
        invitedBy: String?,
        channels: [InvitationChannel],
        emailDeliveredAt: Date? = nil,
        textDeliveredAt: Date? = nil,
        remindedAt: Date? = nil
    ) {
        self.invitation = invitation
        self.invitedBy = invitedBy
        self.channels = Array(Set(channels)).sorted()
        self.emailDeliveredAt = emailDeliveredAt
        self.textDeliveredAt = textDeliveredAt
        self.remindedAt = remindedAt
    }

    /// When the invitation was delivered on `channel`, or `nil`.
    public func deliveredAt(_ channel: InvitationChannel) -> Date? {
        channel == .email ? emailDeliveredAt : textDeliveredAt
    }

    /// The channels still waiting for delivery.
    public var undeliveredChannels: [InvitationChannel] {
        channels.filter { deliveredAt($0) == nil }
    }
}

/// What the store decided about inviting one recipient (see `SpruceStore.prepareInvitation`).
public enum InvitationPreparation: Sendable {
    /// A new invitation was recorded; deliver it with this token (shown only now).
    case created(InvitationRecord, InvitationToken)
    /// A still-valid invitation was recorded earlier but not delivered on every channel (a run that stopped):
    /// finish its delivery from the outbox spool.
    case undelivered(InvitationRecord)
    /// A still-valid, delivered invitation exists: skip, unless re-sending.
    case alreadyInvited(InvitationRecord)
    /// The recipient opted out; never invite them.
    case optedOut(address: String)
}
