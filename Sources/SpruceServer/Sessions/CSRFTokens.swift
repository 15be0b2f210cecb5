import Crypto
import Foundation

/// CSRF tokens: an HMAC of what the visitor's browser holds (the session's secret, or before login the random
/// visitor cookie) under a key derived from the server secret. A page from another site can neither read the
/// cookie nor compute the token, so a forged form post fails the check.
struct CSRFTokens: Sendable {
    /// The form field and the header a token may come in.
    static let field = "csrf_token"
    static let header = "X-CSRF-Token"

    private let keyBytes: [UInt8]

    init(secret: ServerSecret) {
        keyBytes = Array(SHA256.hash(data: Data(("sprucelink csrf v1:" + secret.text).utf8)))
    }

    func token(for binding: String) -> String {
        let key = SymmetricKey(data: keyBytes)
        return Data(HMAC<SHA256>.authenticationCode(for: Data(binding.utf8), using: key)).base64URL
    }

    /// Whether `token` is the token of `binding`, compared in constant time.
    func isValid(_ token: String?, for binding: String?) -> Bool {
        guard let token, let binding, token.utf8.count < 200 else { return false }
        let expected = Array(self.token(for: binding).utf8)
        let given = Array(token.utf8)
        guard expected.count == given.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, given) { difference |= a ^ b }
        return difference == 0
    }
}

extension Data {
    var base64URL: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}

/// Random text for cookies, from the system's secure generator.
enum RandomToken {
    static func make(bytes count: Int = 32) -> String {
        var generator = SystemRandomNumberGenerator()
        var data = Data(capacity: count + 8)
        while data.count < count { withUnsafeBytes(of: generator.next() as UInt64) { data.append(contentsOf: $0) } }
        return data.prefix(count).base64URL
    }
}
