/// An invitation's message on one channel: what the store marks delivered and the outbox indexes.
public struct InvitationDelivery: Hashable, Sendable {
    public let invitationID: InvitationID
    public let channel: InvitationChannel

    public init(_ invitationID: InvitationID, _ channel: InvitationChannel) {
        self.invitationID = invitationID
        self.channel = channel
    }
}
