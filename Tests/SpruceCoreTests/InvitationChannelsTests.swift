import SpruceCore
import Testing

@Suite("Which channels a recipient is invited on")
struct InvitationChannelsTests {
    static let both = InvitationRecipient(email: "ana@example.com", phone: "+12175550100")
    static let emailOnly = InvitationRecipient(email: "ana@example.com", phone: "")
    static let phoneOnly = InvitationRecipient(phone: "+12175550100")

    @Test(
        "the requested channels the recipient has an address for, or the field that is missing",
        arguments: [
            (both, [InvitationChannel.email, .text], "email,text"),
            (emailOnly, [.email, .text], "email"),
            (phoneOnly, [.text, .email], "text"),
            (emailOnly, [.email], "email"),
            (emailOnly, [.text], "phone: is needed to invite by text"),
            (phoneOnly, [.email], "email: is needed to invite by email"),
            (
                InvitationRecipient(name: "Nobody"), [.email, .text],
                "recipient: has no address for the chosen channels"
            ),
        ] as [(InvitationRecipient, [InvitationChannel], String)])
    func deliveryChannels(recipient: InvitationRecipient, requested: [InvitationChannel], expected: String) {
        do {
            let channels = try recipient.deliveryChannels(for: requested)
            #expect(channels.map(\.rawValue).joined(separator: ",") == expected)
        } catch {
            #expect(error.description == expected)
        }
    }

    @Test("every channel needs its address: the store's check names the first missing field")
    func checkAddresses() throws {
        try Self.both.checkAddresses(for: [.email, .text])
        #expect(throws: InvitationInputError(field: "phone", rule: "is needed to invite by text")) {
            try Self.emailOnly.checkAddresses(for: [.email, .text])
        }
        try Self.phoneOnly.checkAddresses(for: [])
    }
}
