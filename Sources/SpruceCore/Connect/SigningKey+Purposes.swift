import Crypto
import Foundation

extension SigningKey {
    /// A key for one purpose, derived from this one (HMAC-SHA256 of the purpose): whatever is signed for one
    /// purpose, such as the server's CSRF tokens, never verifies as a signature made for another.
    public func derived(for purpose: String) -> SigningKey {
        SigningKey(bytes: Array(HMAC<SHA256>.authenticationCode(for: Data(purpose.utf8), using: key)))
    }

    /// The HMAC-SHA256 of `message` under this key.
    public func authenticationCode(for message: String) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: key))
    }
}
