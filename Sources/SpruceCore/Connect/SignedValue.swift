import Crypto
import Foundation

/// A value that travels through a browser and comes back: JSON, signed with HMAC-SHA256 under a server key,
/// with a purpose and an expiry inside the signature, so it cannot be altered, reused for another purpose,
/// or kept past its time. It is signed, not encrypted: put nothing secret in it.
///
/// Text form: `base64url(payload).base64url(mac)`.
public struct SignedValue<Payload: Codable & Sendable>: Sendable {
    public let payload: Payload
    public let expiresAt: Date
    /// A random id, recorded when the value is spent so that a replay is refused.
    public let nonce: String

    private struct Envelope: Codable {
        let purpose: String
        let expiresAt: Int64
        let nonce: String
        let payload: Payload
    }

    /// Signs `payload` for `purpose`, valid for `lifetime` from `now`.
    public static func sign(
        _ payload: Payload,
        purpose: String,
        key: SigningKey,
        lifetime: TimeInterval,
        at now: Date = Date()
    ) throws -> String {
        let expiresAt = Int64((now.timeIntervalSince1970 + lifetime).rounded(.down))
        let nonce = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }.base64URLEncoded
        let envelope = Envelope(purpose: purpose, expiresAt: expiresAt, nonce: nonce, payload: payload)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = try encoder.encode(envelope).base64URLEncoded
        let mac = Data(HMAC<SHA256>.authenticationCode(for: Data(body.utf8), using: key.key)).base64URLEncoded
        return body + "." + mac
    }

    /// Checks the signature, the purpose and the expiry of `text`, and decodes it.
    /// - Throws: ``SignedValueError`` saying which check failed.
    public static func verify(
        _ text: String,
        purpose: String,
        key: SigningKey,
        at now: Date = Date()
    ) throws(SignedValueError) -> SignedValue {
        guard text.utf8.count <= 8_192 else { throw .malformed }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let mac = Data(base64URLEncoded: String(parts[1])) else { throw .malformed }
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Data(parts[0].utf8), using: key.key) else {
            throw .badSignature
        }
        guard let body = Data(base64URLEncoded: String(parts[0])),
            let envelope = try? JSONDecoder().decode(Envelope.self, from: body)
        else { throw .malformed }
        guard envelope.purpose == purpose else { throw .wrongPurpose }
        let expiresAt = Date(timeIntervalSince1970: TimeInterval(envelope.expiresAt))
        guard now < expiresAt else { throw .expired }
        return SignedValue(payload: envelope.payload, expiresAt: expiresAt, nonce: envelope.nonce)
    }
}

/// Why a signed value was refused.
public enum SignedValueError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed
    case badSignature
    case wrongPurpose
    case expired
    case alreadyUsed

    public var description: String {
        switch self {
        case .malformed: "the link you followed is damaged; open the practice's link again"
        case .badSignature: "the link you followed was altered; open the practice's link again"
        case .wrongPurpose: "the link you followed is not meant for this step"
        case .expired: "the link you followed has expired; open the practice's link again"
        case .alreadyUsed: "the link you followed was already used"
        }
    }
}

/// The server's key for signing values that travel through browsers. Configured, never committed.
public struct SigningKey: Sendable {
    private let bytes: [UInt8]
    var key: SymmetricKey { SymmetricKey(data: bytes) }

    /// A key from configuration text (at least 32 bytes; any longer text is hashed down to 256 bits).
    /// - Throws: ``SigningKeyError/tooShort`` for less than 32 bytes.
    public init(secret: String) throws(SigningKeyError) {
        guard secret.utf8.count >= 32 else { throw .tooShort(minimum: 32) }
        self.bytes = Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// A fresh random key: values signed with it die with the process.
    public static func random() -> SigningKey {
        SigningKey(bytes: SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) })
    }

    init(bytes: [UInt8]) { self.bytes = bytes }
}

public enum SigningKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case tooShort(minimum: Int)

    public var description: String {
        switch self {
        case .tooShort(let minimum): "signing secret is shorter than \(minimum) bytes"
        }
    }
}

extension Data {
    var base64URLEncoded: String { Base64URL.encode(self) }

    init?(base64URLEncoded text: String) {
        guard text.utf8.allSatisfy(Base64URL.isLetter) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
