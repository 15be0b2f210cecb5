import SpruceCore
import Testing

@Suite("System random bytes")
struct SystemRandomTests {
    @Test(
        "each call fills exactly the bytes asked for, and no two 32-byte draws repeat", arguments: [0, 1, 7, 32, 4_096])
    func fills(_ count: Int) {
        let draws = (0..<64).map { _ in SystemRandom.bytes(count) }
        #expect(draws.allSatisfy { $0.count == count })
        if count >= 32 { #expect(Set(draws).count == draws.count) }
        if count == 4_096 {
            // 4 096 uniform bytes miss any of the 256 values with probability about 3 in 100 000.
            #expect(Set(draws[0]).count > 250)
        }
    }

    @Test("a random token is base64url of the bytes asked for, without padding")
    func token() {
        let token = Base64URL.random(bytes: 32)
        #expect(token.utf8.count == 43)
        #expect(token.utf8.allSatisfy(Base64URL.isLetter))
        #expect(Base64URL.random(bytes: 32) != token)
    }
}
