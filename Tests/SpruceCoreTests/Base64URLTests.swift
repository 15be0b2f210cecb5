import Foundation
import SpruceCore
import Testing

@Suite("base64url")
struct Base64URLTests {
    /// Foundation's base64 with the two letters swapped and the padding cut: RFC 4648 §5.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    @Test("every length up to 3 groups, and bytes that use the two url letters, match RFC 4648 §5", arguments: 0...10)
    func matchesReference(length: Int) {
        for seed in 0..<32 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 * 97 + seed * 31 + 0xF8) }
            #expect(Base64URL.encode(bytes) == Self.reference(bytes), "\(bytes)")
            #expect(Base64URL.encode(Data(bytes)) == Self.reference(bytes), "as Data: \(bytes)")
            #expect(Base64URL.encode(bytes.lazy.map { $0 }) == Self.reference(bytes), "as a lazy sequence")
        }
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
    }
}
