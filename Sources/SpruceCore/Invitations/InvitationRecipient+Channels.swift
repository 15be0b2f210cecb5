extension InvitationChannel {
    /// The recipient field this channel delivers to: `email` or `phone`.
    public var addressField: String { self == .email ? "email" : "phone" }
}

extension InvitationRecipient {
    /// The address `channel` delivers to, or `nil` (an empty string counts as absent).
    public func address(for channel: InvitationChannel) -> String? {
        let address = channel == .email ? email : phone
        return address?.isEmpty == false ? address : nil
    }

    /// Checks that the recipient has the address of every channel in `channels`.
    /// - Throws: ``InvitationInputError`` naming the missing field, e.g. `email: is needed to invite by email`.
    public func checkAddresses(for channels: [InvitationChannel]) throws(InvitationInputError) {
        for channel in channels where address(for: channel) == nil {
            throw InvitationInputError(
                field: channel.addressField, rule: "is needed to invite by \(channel == .email ? "email" : "text")")
        }
    }

    /// The channels to deliver on: those of `requested` the recipient has an address for ("both" takes whichever
    /// exist; a single channel asked for needs its address).
    /// - Throws: ``InvitationInputError`` naming the missing field, or `recipient` when no channel is left.
    public func deliveryChannels(for requested: [InvitationChannel]) throws(InvitationInputError)
        -> [InvitationChannel]
    {
        if requested.count == 1 { try checkAddresses(for: requested) }
        let channels = requested.filter { address(for: $0) != nil }
        guard !channels.isEmpty else {
            throw InvitationInputError(field: "recipient", rule: "has no address for the chosen channels")
        }
        return Array(Set(channels)).sorted()
    }
}
