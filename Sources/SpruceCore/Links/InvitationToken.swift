import Crypto
import Foundation

/// The secret of a private invitation link, `https://spruce.care/i/<token>` (docs/ARCHITECTURE.md, "Links").
///
/// 26 characters from a 31-letter alphabet without look-alikes (no `0`, `o`, `1`, `l`, `i`): 128.8 random bits.
/// Tokens are case-insensitive and only their ``digest`` is ever stored. The token's text never appears in
/// `description`, so it cannot leak into logs by interpolation; use ``rawValue`` where the link is meant to go.
public struct InvitationToken: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyz".utf8)
    public static let length = 26

    /// The token's text, lowercase. Only for building the recipient's link.
    public let rawValue: String

    /// Checks the shape of a token someone handed over.
    /// - Throws: ``InvitationTokenError`` when the length or an alphabet character is wrong.
    public init(_ text: String) throws(InvitationTokenError) {
        // ASCII case folding only: `String.lowercased()` maps the Kelvin sign (U+212A) to `k`.
        let bytes = ASCII.lowercased(text.utf8)
        let lowered = String(decoding: bytes, as: UTF8.self)
        guard bytes.count == Self.length else { throw .wrongLength(expected: Self.length) }
        if let offset = bytes.firstIndex(where: { !Self.alphabet.contains($0) }) {
            throw .invalidCharacter(offset: offset)
        }
        self.rawValue = lowered
    }

    /// A fresh token from `generator`, uniformly distributed over the alphabet (rejection sampling, no modulo bias).
    public static func generate(using generator: inout some RandomNumberGenerator) -> InvitationToken {
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        while bytes.count < length {
            let draw = UInt8.random(in: 0...UInt8.max, using: &generator) & 0x1F
            if draw < alphabet.count { bytes.append(alphabet[Int(draw)]) }
        }
        return InvitationToken(validated: String(decoding: bytes, as: UTF8.self))
    }

    /// A fresh token from the system's cryptographically secure generator, drawn as ``generate(using:)`` draws
    /// (one uniform byte per character, rejection sampling) but taking the eight bytes of each 64-bit draw in turn:
    /// one system call per eight characters instead of one per character.
    public static func generate() -> InvitationToken {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8]()
        bytes.reserveCapacity(length)
        var word: UInt64 = 0
        var left = 0
        while bytes.count < length {
            if left == 0 {
                word = generator.next()
                left = 8
            }
            let draw = UInt8(truncatingIfNeeded: word) & 0x1F
            word >>= 8
            left -= 1
            if draw < alphabet.count { bytes.append(alphabet[Int(draw)]) }
        }
        return InvitationToken(validated: String(decoding: bytes, as: UTF8.self))
    }

    /// The SHA-256 of the token, hex-encoded: the only form that is stored.
    public var digest: TokenDigest { TokenDigest(hashing: rawValue) }

    public var description: String { "InvitationToken(redacted)" }

    private init(validated: String) { self.rawValue = validated }
}

/// A hex SHA-256 digest of a secret (an invitation token, a session id, an API key), as stored in the database.
public struct TokenDigest: Hashable, Sendable, Codable, CustomStringConvertible {
    public let hex: String

    public init(hashing secret: String) {
        self.hex = Hex.lowercase(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Wraps a digest read back from storage.
    public init(hex: String) { self.hex = hex }

    public var description: String { hex }
}

/// Why a text is not an ``InvitationToken``. Messages never echo the token.
public enum InvitationTokenError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongLength(expected: Int)
    case invalidCharacter(offset: Int)

    public var description: String {
        switch self {
        case .wrongLength(let expected): "invitation token must be \(expected) characters"
        case .invalidCharacter(let offset): "invitation token has a character outside its alphabet at offset \(offset)"
        }
    }
}

extension InvitationToken: CustomReflectable {
    /// No children: `dump(_:)`, debuggers' summaries and reflection-based loggers see no token text either.
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
