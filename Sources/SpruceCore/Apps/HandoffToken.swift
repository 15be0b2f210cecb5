import Foundation

/// The machine secret of a handoff: 128 random bits as 22 characters of base64url. It travels in the Play Store
/// URL's `referrer` (`spruce_handoff=<token>`, read by the app through the Install Referrer API) and in the
/// universal link `/h/<token>` offered after the install. Only its SHA-256 ``digest`` is stored.
public struct HandoffToken: Hashable, Sendable, CustomStringConvertible {
    public static let length = 22
    /// The key of the token in the install referrer.
    public static let referrerKey = "spruce_handoff"

    public let rawValue: String

    /// Reads a token someone handed over.
    /// - Throws: ``HandoffSecretError/malformedToken`` when it is not 22 base64url characters.
    public init(_ text: String) throws(HandoffSecretError) {
        guard text.utf8.count == Self.length, text.utf8.allSatisfy(Base64URL.isLetter) else {
            throw .malformedToken
        }
        rawValue = text
    }

    private init(generated: String) { rawValue = generated }

    /// A fresh token from the system's secure generator.
    public static func generate() -> HandoffToken { HandoffToken(generated: Base64URL.random(bytes: 16)) }

    public var digest: TokenDigest { TokenDigest(hashing: rawValue) }
    public var description: String { "HandoffToken(redacted)" }
}

/// The short secret of a handoff for people: 8 characters from the 31-letter look-alike-free alphabet, shown as
/// `K7QX-M4PT` ("If the app asks, enter this code"). 31⁸ ≈ 8.5 × 10¹¹ codes; guessing is bounded by the claim
/// rate limits and the short life, not by the length (README, "Handoffs").
public struct ConnectCode: Hashable, Sendable, CustomStringConvertible {
    public static let alphabet = Array("23456789ABCDEFGHJKMNPQRSTUVWXYZ".utf8)
    public static let length = 8

    /// The eight characters, uppercase, without the dash.
    public let rawValue: String

    /// Reads a code as a person typed it: any case, with or without the dash and spaces.
    /// - Throws: ``HandoffSecretError/malformedCode`` when eight alphabet characters do not remain.
    public init(_ text: String) throws(HandoffSecretError) {
        guard text.utf8.count <= 32 else { throw .malformedCode }
        let bytes = ASCII.uppercased(
            text.utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: " ") })
        guard bytes.count == Self.length, bytes.allSatisfy(Self.alphabet.contains) else { throw .malformedCode }
        rawValue = String(decoding: bytes, as: UTF8.self)
    }

    private init(validated: String) { rawValue = validated }

    /// A fresh code from `generator`, uniform over the alphabet (rejection sampling).
    public static func generate(using generator: inout some RandomNumberGenerator) -> ConnectCode {
        var bytes: [UInt8] = []
        while bytes.count < length {
            let draw = UInt8.random(in: 0...UInt8.max, using: &generator) & 0x1F
            if draw < alphabet.count { bytes.append(alphabet[Int(draw)]) }
        }
        return ConnectCode(validated: String(decoding: bytes, as: UTF8.self))
    }

    /// A fresh code from the system's secure generator.
    public static func generate() -> ConnectCode {
        var generator = SystemRandomNumberGenerator()
        return generate(using: &generator)
    }

    /// The code an invitation's messages show, derived from its token (so the messages need nothing stored
    /// besides the token's digest, and a new token gives a new code).
    public static func derived(from token: InvitationToken) -> ConnectCode {
        let digest = TokenDigest(hashing: "connect-code:" + token.rawValue).hex.utf8
        var bytes: [UInt8] = []
        var index = digest.startIndex
        while bytes.count < length, index < digest.endIndex {
            let next = digest.index(index, offsetBy: 2)
            if let value = UInt8(String(decoding: digest[index..<next], as: UTF8.self), radix: 16) {
                let draw = value & 0x1F
                if draw < alphabet.count { bytes.append(alphabet[Int(draw)]) }
            }
            index = next
        }
        return ConnectCode(validated: String(decoding: bytes, as: UTF8.self))
    }

    /// As shown to people: `K7QX-M4PT`.
    public var formatted: String { String(rawValue.prefix(4)) + "-" + String(rawValue.suffix(4)) }

    /// The stored form: an HMAC under a key only the service holds, so a copy of the database cannot be searched
    /// for the codes (the space is small enough to try every code against a plain hash).
    public func digest(key: SigningKey) -> TokenDigest {
        TokenDigest(hex: Hex.lowercase(key.authenticationCode(for: rawValue)))
    }

    public var description: String { "ConnectCode(redacted)" }
}

/// Why a handed-over token or code is refused before any look-up. Messages never echo the secret.
public enum HandoffSecretError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformedToken
    case malformedCode

    public var description: String {
        switch self {
        case .malformedToken: "handoff token must be 22 characters of base64url"
        case .malformedCode: "connect code must be 8 characters of 2-9 and A-Z without I, L and O, as XXXX-XXXX"
        }
    }
}
