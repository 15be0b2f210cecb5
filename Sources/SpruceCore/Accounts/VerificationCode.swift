import Foundation

/// A one-time code sent to prove an address (signup) or to reset a password: six digits, drawn uniformly from the
/// system's secure generator. Only its keyed digest is stored, bound to the request it was made for, so a copy of
/// the database neither shows codes nor lets one be found by trying all million offline without the key.
public struct VerificationCode: Hashable, Sendable, CustomStringConvertible {
    public static let length = 6
    /// How long a code can be entered.
    public static let lifetime: TimeInterval = 10 * 60
    /// Wrong entries a code survives; the next wrong one ends it.
    public static let maximumTries = 5

    public let digits: String

    /// Reads a code as typed: blanks and dashes are ignored; `nil` unless six ASCII digits remain.
    public init?(_ text: String) {
        let kept = text.filter { $0 != " " && $0 != "-" }
        guard kept.utf8.count == Self.length, kept.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        digits = kept
    }

    /// A new random code.
    public static func generate() -> VerificationCode {
        var generator = SystemRandomNumberGenerator()
        let value = generator.next(upperBound: UInt32(1_000_000))
        let text = String(value)
        return VerificationCode(uncheckedDigits: String(repeating: "0", count: Self.length - text.count) + text)
    }

    private init(uncheckedDigits: String) { digits = uncheckedDigits }

    /// The stored form: an HMAC of the code and what it was made for (`binding`, e.g. the request's digest).
    public func digest(binding: String, key: SigningKey) -> String {
        Hex.lowercase(
            key.derived(for: "sprucelink verification code v1").authenticationCode(for: binding + ":" + digits))
    }

    /// Whether this code is the one whose stored digest is `stored`, compared in constant time.
    public func matches(_ stored: String, binding: String, key: SigningKey) -> Bool {
        constantTimeEqual(Data(digest(binding: binding, key: key).utf8), Data(stored.utf8))
    }

    /// Codes stay out of logs and error messages.
    public var description: String { "VerificationCode(redacted)" }
}
