import Foundation
import SpruceCore
import Testing

@Suite("Invitation addresses: E.164 phones and email addresses")
struct InvitationsAddressTests {
    @Test(
        "phone numbers normalize to E.164",
        arguments: [
            ("(217) 555-0100", "US", "+12175550100"),
            ("217.555.0100", "US", "+12175550100"),
            ("1-217-555-0100", "US", "+12175550100"),
            ("+1 416 555 0199", "US", "+14165550199"),
            ("020 7946 0018", "GB", "+442079460018"),
            ("+44 20 7946 0018", "US", "+442079460018"),
            ("0044 20 7946 0018", "FR", "+442079460018"),
            ("011 44 20 7946 0018", "US", "+442079460018"),
            ("030 1234567", "DE", "+49301234567"),
            ("06 12 34 56 78", "FR", "+33612345678"),
            ("+33 6 12 34 56 78", "US", "+33612345678"),
            ("090-1234-5678", "JP", "+819012345678"),
            ("+91 98765 43210", "US", "+919876543210"),
            ("0412 345 678", "AU", "+61412345678"),
        ])
    func normalizes(input: String, region: String, expected: String) throws {
        #expect(try PhoneNumber(parsing: input, defaultRegion: region).e164 == expected)
    }

    @Test(
        "invalid phone numbers are refused with the rule that failed",
        arguments: [
            ("", "is empty"),
            ("12345", "\"12345\" is too short for a +1 number"),
            ("(117) 555-0100", "is not a valid +1 number: no such range is assigned"),
            ("(217) 155-0100", "is not a valid +1 number: no such range is assigned"),
            ("+999 1234 5678", "known country calling code"),
            ("555-CALL-NOW", "is not a valid +1 number"),
            ("+44 20 7946", "is a local number: add the area code"),
            ("217 555 0100 x12", "has an extension: give the number alone"),
        ])
    func refuses(input: String, rule: String) {
        #expect {
            try PhoneNumber(parsing: input)
        } throws: { error in
            guard let error = error as? InvitationInputError else { return false }
            return error.field == "phone" && error.rule.contains(rule)
        }
    }

    @Test(
        "email addresses: practical RFC 5322, lowercased, IDN domains in Punycode",
        arguments: [
            ("Ana@Example.com", "ana@example.com", "ana@example.com"),
            ("o'brien+tag@mail.example.org", "o'brien+tag@mail.example.org", "o'brien+tag@mail.example.org"),
            ("zoe@bücher.example", "zoe@bücher.example", "zoe@xn--bcher-kva.example"),
            ("info@münchen.de", "info@münchen.de", "info@xn--mnchen-3ya.de"),
            ("a@例え.jp", "a@例え.jp", "a@xn--r8jz45g.jp"),
            ("  spaced@example.com ", "spaced@example.com", "spaced@example.com"),
        ])
    func emails(input: String, address: String, ascii: String) throws {
        let email = try EmailAddress(parsing: input)
        #expect(email.address == address)
        #expect(email.asciiAddress == ascii)
    }

    @Test(
        "bad email addresses name the rule",
        arguments: [
            ("not-an-address", "has no @"),
            ("two@@example.com", "not allowed before the @"),
            ("dots..twice@example.com", "may not lead, trail or repeat"),
            (".lead@example.com", "may not lead, trail or repeat"),
            ("nodomain@localhost", "at least two labels"),
            ("space in@example.com", "not allowed before the @"),
            ("zoë@example.com", "not allowed before the @"),
            ("a@-bad.example", "may not start or end with a hyphen"),
            ("a@example.123", "cannot be numeric"),
            ("a@exa_mple.com", "letters, digits and hyphens"),
            ("@example.com", "nothing before the @"),
        ])
    func badEmails(input: String, rule: String) {
        #expect {
            try EmailAddress(parsing: input)
        } throws: { error in
            guard let error = error as? InvitationInputError else { return false }
            return error.field == "email" && error.rule.contains(rule)
        }
    }

    @Test("a recipient needs an email or a phone; names may not hold line breaks")
    func recipients() throws {
        let recipient = try InvitationRecipient.validated(
            name: "  Zoë  ", email: "Zoe@Example.com", phone: "217 555 0100")
        #expect(recipient == InvitationRecipient(name: "Zoë", email: "zoe@example.com", phone: "+12175550100"))
        #expect(throws: InvitationInputError(field: "recipient", rule: "needs an email address or a phone number")) {
            try InvitationRecipient.validated(name: "x", email: " ", phone: "")
        }
        #expect(
            throws: InvitationInputError(
                field: "phone", rule: "+442079460018 is a fixed-line number, which cannot receive texts")
        ) {
            try InvitationRecipient.validated(name: "x", email: nil, phone: "+44 20 7946 0018")
        }
        #expect(throws: InvitationInputError(field: "name", rule: "may not hold control characters or line breaks")) {
            try InvitationRecipient.validated(name: "Eve\r\nBcc: all@example.com", email: "e@example.com", phone: nil)
        }
    }

    @Test("mailboxes parse \"Name <address>\"")
    func mailboxes() throws {
        let quoted = try MailboxAddress(parsing: "\"Oak Street, Front Desk\" <desk@oak.example>")
        #expect(quoted.displayName == "Oak Street, Front Desk")
        #expect(quoted.email.address == "desk@oak.example")
        #expect(try MailboxAddress(parsing: "bare@oak.example").displayName == nil)
        #expect(throws: InvitationInputError.self) { try MailboxAddress(parsing: "Name <broken") }
    }
}
