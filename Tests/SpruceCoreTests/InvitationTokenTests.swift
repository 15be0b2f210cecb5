import Foundation
import Testing

@testable import SpruceCore

@Suite("InvitationToken")
struct InvitationTokenTests {
    @Test("10 000 system tokens: length, alphabet, no duplicates, round trip, case-insensitive parse")
    func generated() throws {
        let alphabet = Set("23456789abcdefghjkmnpqrstuvwxyz")
        var seen = Set<String>()
        for _ in 0..<10_000 {
            let token = InvitationToken.generate()
            let text = token.rawValue
            #expect(text.count == 26)
            #expect(text.allSatisfy(alphabet.contains))
            #expect(seen.insert(text).inserted)
            #expect(try InvitationToken(text) == token)
            #expect(try InvitationToken(text.uppercased()) == token)
            #expect(!token.description.contains(text))
            #expect(!"\(token)".contains(text))
        }
        for excluded in "0o1li" + "ABCDEFGHJKMNPQRSTUVWXYZ" {
            #expect(!seen.contains { $0.contains(excluded) })
        }
    }

    @Test("the alphabet has no look-alikes and gives at least 128 bits")
    func entropy() {
        #expect(InvitationToken.alphabet.count == 31)
        #expect(Set(InvitationToken.alphabet).count == 31)
        for excluded in "0o1liIO".utf8 { #expect(!InvitationToken.alphabet.contains(excluded)) }
        let bits = Double(InvitationToken.length) * log2(Double(InvitationToken.alphabet.count))
        #expect(bits >= 128)  // 26 · log2(31) ≈ 128.8
    }

    @Test("characters are uniform over the alphabet (seeded, chi-square)")
    func uniform() {
        var generator = SplitMix64(seed: 7)
        var counts = [UInt8: Int]()
        let tokens = 20_000
        for _ in 0..<tokens {
            for byte in InvitationToken.generate(using: &generator).rawValue.utf8 { counts[byte, default: 0] += 1 }
        }
        let expected = Double(tokens * 26) / 31
        let chiSquare = counts.values.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        #expect(counts.count == 31)
        #expect(chiSquare < 70)  // 30 degrees of freedom: p < 0.0001 above 70
    }

    @Test("system tokens (eight characters per 64-bit draw) are uniform over the alphabet too (chi-square)")
    func uniformSystem() {
        var counts = [UInt8: Int]()
        let tokens = 20_000
        for _ in 0..<tokens {
            for byte in InvitationToken.generate().rawValue.utf8 { counts[byte, default: 0] += 1 }
        }
        let expected = Double(tokens * 26) / 31
        let chiSquare = counts.values.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
        #expect(counts.count == 31)
        #expect(chiSquare < 90)  // 30 degrees of freedom: p < 10⁻⁷ above 90
    }

    @Test("the digest is 64 lowercase hex characters, stable, and the SHA-256 of the token")
    func digest() throws {
        let token = try InvitationToken("ABCDEFGHJKMNPQRSTUVWXYZ234")
        let digest = token.digest
        #expect(digest.hex.count == 64)
        #expect(digest.hex.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(digest == token.digest)
        #expect(digest == (try InvitationToken("abcdefghjkmnpqrstuvwxyz234")).digest)
        #expect(digest == TokenDigest(hashing: "abcdefghjkmnpqrstuvwxyz234"))
        #expect(TokenDigest(hashing: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digest != InvitationToken.generate().digest)
    }

    @Test(
        "malformed tokens",
        arguments: [
            ("", InvitationTokenError.wrongLength(expected: 26)),
            ("abcdefghjkmnpqrstuvwxyz23", .wrongLength(expected: 26)),
            ("abcdefghjkmnpqrstuvwxyz2345", .wrongLength(expected: 26)),
            ("0bcdefghjkmnpqrstuvwxyz234", .invalidCharacter(offset: 0)),
            ("abcdefghjkmnpqrstuvwxyz23l", .invalidCharacter(offset: 25)),
            ("abcdefghjkmnpqrstuvwxyz2-4", .invalidCharacter(offset: 24)),
            ("abcdefghjkmnpqrstuvwxyz2 4", .invalidCharacter(offset: 24)),
        ]
    )
    func malformed(text: String, error: InvitationTokenError) {
        #expect(throws: error) { try InvitationToken(text) }
    }

    @Test("neither printing nor dumping a token, or a value holding one, reveals it")
    func redacted() throws {
        let text = "abcdefghjkmnpqrstuvwxyz234"
        let token = try InvitationToken(text)
        let scanned = try ScannedLink.parse("https://spruce.care/i/" + text)
        for value in [token as Any, scanned as Any, [scanned.target] as Any] {
            var dumped = ""
            dump(value, to: &dumped)
            #expect(!dumped.contains(text))
            #expect(!String(describing: value).contains(text))
            #expect(!String(reflecting: value).contains(text))
        }
        #expect(Mirror(reflecting: token).children.isEmpty)
    }
}
