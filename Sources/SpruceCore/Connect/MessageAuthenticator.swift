import Crypto

/// HMAC-SHA256 under one key (RFC 2104), with the key's inner and outer blocks hashed once, when it is made: each
/// code then costs its message's blocks only. The CSRF token of every logged-out profile page is one.
///
/// Built from swift-crypto's `SHA256` rather than its `HMAC`: making the HMAC from the key each time was an eighth
/// of the page's CPU, and a copy of a keyed `HMAC` still cost a run-time generic metadata look-up and an
/// unspecialized `update` per code, a twentieth of it.
public struct MessageAuthenticator: @unchecked Sendable {
    // @unchecked: swift-crypto declares no Sendable for SHA256, but a hasher copies its state before it changes it
    // (copy on write), so these shared keyed states are only ever read, by any number of threads at once.
    private let inner: SHA256
    private let outer: SHA256

    public init(key: SigningKey) {
        var block = key.key.withUnsafeBytes { Array($0) }
        if block.count > Self.blockSize { block = SHA256.hash(data: block).withUnsafeBytes { Array($0) } }
        block += Array(repeating: 0, count: Self.blockSize - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    private static let blockSize = 64

    /// The HMAC-SHA256 of `message`: the same bytes as ``SigningKey/authenticationCode(for:)``.
    public func code(for message: String) -> [UInt8] {
        var inner = inner
        var message = message
        message.withUTF8 { inner.update(bufferPointer: UnsafeRawBufferPointer($0)) }
        var outer = outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize().withUnsafeBytes { Array($0) }
    }
}
