import Foundation
import SpruceCore

/// CSRF tokens: an HMAC of what the visitor's browser holds (the session's secret, or before login the random
/// visitor cookie) under a key derived from the store's signing key. A page from another site can neither read the
/// cookie nor compute the token, so a forged form post fails the check.
struct CSRFTokens: Sendable {
    /// The form field and the header a token may come in.
    static let field = "csrf_token"
    static let header = "X-CSRF-Token"

    private let authenticator: MessageAuthenticator

    init(signingKey: SigningKey) {
        authenticator = MessageAuthenticator(key: signingKey.derived(for: "sprucelink csrf v1"))
    }

    func token(for binding: String) -> String {
        Base64URL.encode(authenticator.code(for: binding))
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
