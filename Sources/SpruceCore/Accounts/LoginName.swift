/// What a login form's "email or phone" field names, normalized so that every spelling of one account is one key:
/// an email case-folded, a phone in E.164 (through libphonenumber, valid or not), anything else trimmed and
/// lowercased.
public struct LoginName: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Sendable { case email, phone, other }

    public let normalized: String
    public let kind: Kind

    public init(_ text: String, defaultRegion: String = "US") {
        let trimmed = text.trimmingWhitespace()
        if trimmed.contains("@") {
            normalized = trimmed.lowercased()
            kind = .email
        } else if let phone = PhoneNumber.canonicalKey(for: trimmed, defaultRegion: defaultRegion) {
            normalized = phone
            kind = .phone
        } else {
            normalized = trimmed.lowercased()
            kind = .other
        }
    }

    public var isEmpty: Bool { normalized.isEmpty }
    public var description: String { normalized }
}
