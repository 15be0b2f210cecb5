import Crypto

/// HMAC-SHA256 under one key, with the key's inner and outer blocks hashed once, when it is made: each code then
/// costs its message's blocks only. The CSRF token of every logged-out profile page is one, and making the HMAC
/// from the key each time (its padded key arrays, two more blocks, the key's copy) was an eighth of that page's
/// CPU.
public struct MessageAuthenticator: @unchecked Sendable {
    // @unchecked: swift-crypto declares no Sendable for HMAC, but its hashers copy their state before they change
    // it (copy on write), so this shared keyed state is only ever read, by any number of threads at once.
    private let keyed: HMAC<SHA256>

    public init(key: SigningKey) {
        keyed = HMAC(key: key.key)
    }

    /// The HMAC-SHA256 of `message`: the same bytes as ``SigningKey/authenticationCode(for:)``.
    public func code(for message: String) -> [UInt8] {
        var mac = keyed
        var message = message
        message.withUTF8 { mac.update(data: UnsafeRawBufferPointer($0)) }
        return Array(mac.finalize())
    }
}
