import Foundation
import SpruceCore
import SpruceQR
import Testing

/// The scan marker must not make the service's codes bigger: the marked text (uppercase URL, `?qr`) against the
/// plain lowercase URL the service rendered before, for every code length, at level M.
@Suite("Scan marker size")
struct ScanMarkerSizeTests {
    static let origin = "https://spruce.care"

    static func widths(_ code: String) throws -> (plain: Int, marked: Int) {
        let plain = try QRCode(text: origin + "/" + code)
        let marked = try QRCode(text: ScanMarker.codeText(for: .practice(try LinkCode(code)), origin: origin))
        return (plain.width, marked.width)
    }

    @Test("numeric codes of 6 to 10 digits keep their version (25×25 for 6–10 digits)", arguments: 6...10)
    func numeric(_ digits: Int) throws {
        let code = String("4827163059".prefix(digits))
        let (plain, marked) = try Self.widths(code)
        #expect(marked <= plain)
        #expect(marked == 25)
    }

    @Test("vanity codes of 3 to 40 characters never grow", arguments: 3...40)
    func vanity(_ length: Int) throws {
        let code = String(String(repeating: "oak-street-", count: 4).prefix(length)).trimmingCharacters(in: ["-"])
        guard code.count >= 3 else { return }
        let (plain, marked) = try Self.widths(code)
        #expect(marked <= plain, "\(code): \(plain) → \(marked) modules wide")
    }
}
