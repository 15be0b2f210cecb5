import Foundation
import SpruceCore
import Testing

@Suite("Personal messages on invitations: one rule for the CLI and the workspace")
struct PersonalMessageTests {
    @Test(
        "accepted: trimmed, line breaks as LF, blank is none, the limit counted in characters",
        arguments: [
            ("See you Tuesday", "See you Tuesday"),
            ("  padded \n", "padded"),
            ("two\r\nlines\rhere", "two\nlines\nhere"),
            ("a\ttab", "a\ttab"),
            (String(repeating: "x", count: 500), String(repeating: "x", count: 500)),
            // 500 characters of family emoji: each one character, many scalars and UTF-16 units.
            (String(repeating: "👨‍👩‍👧", count: 500), String(repeating: "👨‍👩‍👧", count: 500)),
        ])
    func accepted(input: String, expected: String) throws {
        #expect(try PersonalMessage.validated(input)?.text == expected)
    }

    @Test("none: nil, empty, only whitespace")
    func none() throws {
        for input in [nil, "", "   ", "\r\n\t "] as [String?] { #expect(try PersonalMessage.validated(input) == nil) }
    }

    @Test(
        "refused with the field and the rule",
        arguments: [
            (String(repeating: "x", count: 501), "is 501 characters long; at most 500 are allowed"),
            ("bell \u{7}", "may not hold control characters (U+0007)"),
            ("escape \u{1B}[2J", "may not hold control characters (U+001B)"),
            ("line\u{2028}separator", "may not hold control characters (U+2028)"),
            ("nul \u{0}", "may not hold control characters (U+0000)"),
            ("c1 \u{85} inside", "may not hold control characters (U+0085)"),
        ])
    func refused(input: String, rule: String) {
        #expect(throws: InvitationInputError(field: "message", rule: rule)) { try PersonalMessage.validated(input) }
    }

    @Test("quoted in the email text, escaped in the HTML, and in the text message (UCS-2 with an emoji)")
    func rendered() throws {
        let templates = try InvitationTemplates(
            sources: Dictionary(
                uniqueKeysWithValues: InvitationTemplates.Name.allCases.map { name in
                    (name, InvitationTemplates.Source(text: Self.bundled(name), origin: name.fileName))
                }))
        let content = InvitationContent(
            practiceName: "Oak", recipientName: "Ana", link: "https://spruce.care/i/x", expiresAt: Date(),
            personalMessage: try PersonalMessage.validated("<b>Hi</b> 😀"))
        let (_, text) = templates.emailPreview(content)
        #expect(text.contains("A message from Oak:\n\n<b>Hi</b> 😀\n"))
        let sms = templates.textMessage(content)
        #expect(sms.body.contains("Oak invites you to Spruce. <b>Hi</b> 😀 Get the app") && sms.encoding == .ucs2)
        let plain = InvitationContent(
            practiceName: "Oak", recipientName: "Ana", link: "https://spruce.care/i/x", expiresAt: Date())
        #expect(!templates.emailPreview(plain).text.contains("A message from"))
        #expect(templates.textMessage(plain).encoding == .gsm7)
    }

    static func bundled(_ name: InvitationTemplates.Name) -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/SpruceDelivery/Templates/Bundled")
            .appendingPathComponent(name.fileName)
        return (try? String(contentsOf: url, encoding: .utf8)) ?? ""
    }
}
