import Foundation
import Testing

@testable import SpruceCore

/// The byte-wise quoted-printable encoder and hex digests give exactly what the per-character versions gave.
@Suite("Quoted-printable and hex, written byte by byte")
struct EncodingSpeedupTests {
    /// The quoted-printable encoder as it was, one String token per byte: the reference.
    static func referenceQuotedPrintable(_ text: String, lineBreak: String) -> String {
        var output = ""
        let hex = Array("0123456789ABCDEF")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            let bytes = Array(line.utf8.filter { $0 != UInt8(ascii: "\r") })
            var column = 0
            for (offset, byte) in bytes.enumerated() {
                let isLast = offset == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token =
                    literal
                    ? String(UnicodeScalar(byte)) : "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
                let limit = isLast ? 76 : 75
                if column + token.count > limit {
                    output += "=" + lineBreak
                    column = 0
                }
                output += token
                column += token.count
            }
            if lineIndex < lines.count - 1 { output += lineBreak }
        }
        return output
    }

    static let texts: [String] = [
        "", "\n", "\n\n", "a", "a ", "a\t", " ", "=", "==\n=",
        "Hello Zoë,\nyour practice Élan invites you: https://spruce.care/i/ABCDEFGHJKLMNPQRSTUVWXYZ23\n",
        String(repeating: "x", count: 75), String(repeating: "x", count: 76), String(repeating: "x", count: 77),
        String(repeating: "x", count: 74) + "é", String(repeating: "y", count: 73) + "= ",
        String(repeating: "ab ", count: 60) + "\n" + String(repeating: "日本", count: 40),
        "line one\r\nline two\r\n\r\nline \r\r\nfour\rfive\n",
        "<p style=\"margin:0\">Oak Street Pediatrics</p>\t\n  trailing  \n\u{1F600} emoji\u{301}\n\u{0}\u{7F}",
    ]

    @Test("quoted-printable matches the per-character encoder", arguments: texts)
    func quotedPrintable(text: String) {
        for lineBreak in ["\n", "\r\n"] {
            #expect(
                MIMEEncoding.quotedPrintable(text, lineBreak: lineBreak)
                    == Self.referenceQuotedPrintable(text, lineBreak: lineBreak))
        }
    }

    @Test("hex digests are lowercase, two digits a byte, as String(format: \"%02x\") gave")
    func hex() {
        let bytes: [UInt8] = [0, 1, 9, 10, 15, 16, 127, 128, 200, 255]
        #expect(Hex.lowercase(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        #expect(Hex.lowercase([UInt8]()) == "")
        // printf sprucelink | sha256sum
        #expect(
            TokenDigest(hashing: "sprucelink").hex
                == "787ee5c29712b366079db12cd1bbe79c8ea03c3a4b767ca3fecb4a35a533744a")
    }
}
