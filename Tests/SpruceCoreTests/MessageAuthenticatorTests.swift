import SpruceCore
import Testing

@Suite("Message authenticator: HMAC-SHA256 with the key hashed once")
struct MessageAuthenticatorTests {
    static let key = try! SigningKey(secret: String(repeating: "k", count: 40))

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
            .joined()
    }

    @Test(
        "the codes are HMAC-SHA256's (known answers from Python's hmac) and SigningKey's",
        arguments: [
            ("", "03666824800bdce2e9b8922c9600a04cd6c2e14efb8adf1049546ea45c156bf1"),
            ("visitor", "a26519c99dc7c5060042923b010a5a15256dcd8f9c37daa7b640c4954a792361"),
            ("é✓", "75b3906d86986485c006ce1da9e930abdbac32463eb259af395d2db10906b2b9"),
        ])
    func knownAnswers(_ message: String, _ expected: String) {
        let authenticator = MessageAuthenticator(key: Self.key)
        #expect(Self.hex(authenticator.code(for: message)) == expected)
        #expect(Self.hex(Self.key.authenticationCode(for: message)) == expected)
    }

    @Test("one authenticator used from many tasks at once gives every message its own code")
    func concurrentUse() async {
        let authenticator = MessageAuthenticator(key: Self.key)
        let messages = (0..<2_000).map { "visitor-\($0)-" + String(repeating: "x", count: $0 % 150) }
        let codes = await withTaskGroup(of: [(Int, String)].self) { group in
            for lane in 0..<16 {
                group.addTask {
                    stride(from: lane, to: messages.count, by: 16).map {
                        ($0, Self.hex(authenticator.code(for: messages[$0])))
                    }
                }
            }
            var all: [Int: String] = [:]
            for await part in group { for (index, code) in part { all[index] = code } }
            return all
        }
        #expect(codes.count == messages.count)
        #expect(messages.indices.allSatisfy { codes[$0] == Self.hex(Self.key.authenticationCode(for: messages[$0])) })
    }
}
