import SpruceCore
import Testing

@Suite("Text messages: GSM-7 / UCS-2 and segment counts (3GPP TS 23.038 / 23.040)")
struct InvitationsTextMessageTests {
    static let a = "a"

    @Test(
        "encoding, units and segments",
        arguments: [
            ("", TextMessage.Encoding.gsm7, 0, 1),
            (String(repeating: "a", count: 160), .gsm7, 160, 1),
            (String(repeating: "a", count: 161), .gsm7, 161, 2),
            (String(repeating: "a", count: 306), .gsm7, 306, 2),
            (String(repeating: "a", count: 307), .gsm7, 307, 3),
            // Extension characters count twice: 158 + € = 160 fits one segment, 159 + € does not.
            (String(repeating: "a", count: 158) + "€", .gsm7, 160, 1),
            (String(repeating: "a", count: 159) + "€", .gsm7, 161, 2),
            (String(repeating: "a", count: 159) + "[", .gsm7, 161, 2),
            (String(repeating: "^", count: 80), .gsm7, 160, 1),
            // ESC + char is not split: 152 + ^ would straddle 153, so ^ opens segment 2; 153 + 153 + 2 = 3 segments.
            (String(repeating: "a", count: 152) + "^" + String(repeating: "a", count: 152), .gsm7, 306, 3),
            (String(repeating: "a", count: 151) + "^" + String(repeating: "a", count: 153), .gsm7, 306, 2),
            ("Grüße aus Köln, Ñoño à ÉCOLE", .gsm7, 28, 1),
            ("café", .gsm7, 4, 1),
            ("cafe\u{301}", .gsm7, 4, 1),  // NFC makes é, which GSM-7 has
            ("Hi 😀", .ucs2, 5, 1),
            (String(repeating: "ж", count: 70), .ucs2, 70, 1),
            (String(repeating: "ж", count: 71), .ucs2, 71, 2),
            (String(repeating: "ж", count: 134), .ucs2, 134, 2),
            (String(repeating: "ж", count: 135), .ucs2, 135, 3),
            // A surrogate pair is not split: 66 units + 😀 (2) would straddle 67, so it opens segment 2.
            (String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 3), .ucs2, 71, 2),
            (String(repeating: "ж", count: 66) + "😀" + String(repeating: "ж", count: 66), .ucs2, 134, 3),
            (String(repeating: "ж", count: 65) + "😀" + String(repeating: "ж", count: 67), .ucs2, 134, 2),
            (String(repeating: "a", count: 69) + "😀", .ucs2, 71, 2),
            (String(repeating: "a", count: 68) + "😀", .ucs2, 70, 1),
        ])
    func segments(body: String, encoding: TextMessage.Encoding, units: Int, segments: Int) {
        let message = TextMessage(body: body)
        #expect(message.encoding == encoding)
        #expect(message.unitCount == units)
        #expect(message.segmentCount == segments)
        #expect((message.warning != nil) == (segments > 1))
    }
}
