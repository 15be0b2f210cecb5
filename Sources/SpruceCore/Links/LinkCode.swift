/// The code of a practice link: the path segment in `https://spruce.care/<code>`.
///
/// Two forms, both case-insensitive and stored lowercase (docs/ARCHITECTURE.md, "Links"):
/// - numeric: 6 to 10 random digits, the first not `0`;
/// - vanity: 3 to 40 characters of `a-z`, `0-9` and `-`, at least one letter,
///   no leading, trailing or double hyphen, and never a ``ReservedWords`` entry.
///
/// ```swift
/// let code = try LinkCode("Oak-Street-Pediatrics")   // "oak-street-pediatrics"
/// let fresh = LinkCode.randomNumeric()              // e.g. "4819302"
/// ```
public struct LinkCode: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Which of the two code forms a code has.
    public enum Kind: String, Sendable, Codable {
        case numeric
        case vanity
    }

    public static let numericLengths = 6...10
    public static let vanityLengths = 3...40
    /// The length of freshly minted numeric codes: 10^7 codes with 9·10^6 valid, enough that guessing is hopeless.
    public static let defaultNumericLength = 8

    /// The lowercase code, as stored and as it appears in a link.
    public let rawValue: String
    public let kind: Kind

    /// Validates `text` as a code. Case is folded; surrounding whitespace is not accepted.
    /// - Throws: ``LinkCodeError`` naming the first rule the text breaks.
    public init(_ text: String) throws(LinkCodeError) {
        // ASCII case folding only: `String.lowercased()` maps the Kelvin sign (U+212A) to `k`,
        // which would let a look-alike spelling pass as a plain ASCII code.
        let bytes = ASCII.lowercased(text.utf8)
        let lowered = String(decoding: bytes, as: UTF8.self)
        guard !bytes.isEmpty else { throw .empty }
        if bytes.allSatisfy(ASCII.isDigit) {
            guard bytes.count >= Self.numericLengths.lowerBound else {
                throw .tooShort(kind: .numeric, minimum: Self.numericLengths.lowerBound)
            }
            guard bytes.count <= Self.numericLengths.upperBound else {
                throw .tooLong(kind: .numeric, maximum: Self.numericLengths.upperBound)
            }
            guard bytes[0] != UInt8(ascii: "0") else { throw .leadingZero }
            self.rawValue = lowered
            self.kind = .numeric
            return
        }
        for (offset, byte) in bytes.enumerated()
        where !(ASCII.isLowercaseLetter(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: "-")) {
            throw .invalidCharacter(offset: offset)
        }
        guard bytes.count >= Self.vanityLengths.lowerBound else {
            throw .tooShort(kind: .vanity, minimum: Self.vanityLengths.lowerBound)
        }
        guard bytes.count <= Self.vanityLengths.upperBound else {
            throw .tooLong(kind: .vanity, maximum: Self.vanityLengths.upperBound)
        }
        guard bytes.first != UInt8(ascii: "-") else { throw .leadingHyphen }
        guard bytes.last != UInt8(ascii: "-") else { throw .trailingHyphen }
        guard !zip(bytes, bytes.dropFirst()).contains(where: { $0 == UInt8(ascii: "-") && $1 == UInt8(ascii: "-") })
        else { throw .doubleHyphen }
        guard bytes.contains(where: ASCII.isLowercaseLetter) else { throw .noLetter }
        guard !ReservedWords.contains(lowered) else { throw .reserved }
        self.rawValue = lowered
        self.kind = .vanity
    }

    public var description: String { rawValue }

    public static func < (lhs: LinkCode, rhs: LinkCode) -> Bool { lhs.rawValue < rhs.rawValue }
}

extension LinkCode {
    /// A fresh numeric code drawn from `generator`: `length` digits, the first not `0`.
    ///
    /// Draws are uniform and independent, so consecutive codes are unrelated and links cannot be enumerated in order.
    public static func randomNumeric(
        length: Int = defaultNumericLength,
        using generator: inout some RandomNumberGenerator
    ) -> LinkCode {
        let clamped = min(max(length, numericLengths.lowerBound), numericLengths.upperBound)
        var digits = [UInt8]()
        digits.reserveCapacity(clamped)
        digits.append(UInt8(ascii: "1") + UInt8.random(in: 0...8, using: &generator))
        for _ in 1..<clamped {
            digits.append(UInt8(ascii: "0") + UInt8.random(in: 0...9, using: &generator))
        }
        return LinkCode(validated: String(decoding: digits, as: UTF8.self), kind: .numeric)
    }

    /// A numeric code's value (at most 10 digits, so it fits in an integer, and no leading zero, so the integer
    /// gives the code back through ``init(number:)``); nil for a vanity code.
    public var number: UInt64? {
        guard kind == .numeric else { return nil }
        var value: UInt64 = 0
        for byte in rawValue.utf8 { value = value &* 10 &+ UInt64(byte &- UInt8(ascii: "0")) }
        return value
    }

    /// The numeric code whose ``number`` is `number`; nil unless it has 6 to 10 digits.
    public init?(number: UInt64) {
        let text = String(number)
        guard Self.numericLengths.contains(text.utf8.count) else { return nil }
        self.init(validated: text, kind: .numeric)
    }

    /// A fresh numeric code from the system's cryptographically secure generator (`getrandom` on Linux).
    public static func randomNumeric(length: Int = defaultNumericLength) -> LinkCode {
        var generator = SystemRandomNumberGenerator()
        return randomNumeric(length: length, using: &generator)
    }

    /// Vanity codes to try, in order, for a practice name: its slug, then the slug with `-2`, `-3`, …
    ///
    /// Minting walks this sequence and takes the first code the database accepts, so a collision
    /// with another organization's code (active or disabled) moves on to the next suffix.
    /// - Returns: at most `limit` codes; an empty sequence when the name has no letters or digits to build a slug from.
    public static func vanityCandidates(for name: String, limit: Int = 1_000) -> [LinkCode] {
        guard limit > 0, let base = VanitySlug.make(from: name) else { return [] }
        var candidates: [LinkCode] = []
        if let code = try? LinkCode(base) { candidates.append(code) }
        var suffix = 2
        // At most `limit` suffixes are tried: when the stem left after making room for the suffix has no letter,
        // no suffix can ever make it valid, and an unbounded loop would never end.
        while candidates.count < limit, suffix <= limit + 1 {
            let tail = "-\(suffix)"
            let stem = VanitySlug.truncate(base, toFit: vanityLengths.upperBound - tail.count)
            if let code = try? LinkCode(stem + tail) { candidates.append(code) }
            suffix += 1
        }
        return candidates
    }

    /// Builds a code whose rules the caller has already checked.
    init(validated rawValue: String, kind: Kind) {
        self.rawValue = rawValue
        self.kind = kind
    }
}

extension LinkCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a text is not a valid ``LinkCode``. Messages name the rule, never the code itself.
public enum LinkCodeError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooShort(kind: LinkCode.Kind, minimum: Int)
    case tooLong(kind: LinkCode.Kind, maximum: Int)
    case leadingZero
    case invalidCharacter(offset: Int)
    case leadingHyphen
    case trailingHyphen
    case doubleHyphen
    case noLetter
    case reserved

    public var description: String {
        switch self {
        case .empty: "code is empty"
        case .tooShort(let kind, let minimum): "\(kind.rawValue) code is shorter than \(minimum) characters"
        case .tooLong(let kind, let maximum): "\(kind.rawValue) code is longer than \(maximum) characters"
        case .leadingZero: "numeric code must not start with 0"
        case .invalidCharacter(let offset):
            "code has a character other than a-z, 0-9 and - at offset \(offset)"
        case .leadingHyphen: "code must not start with a hyphen"
        case .trailingHyphen: "code must not end with a hyphen"
        case .doubleHyphen: "code must not contain a double hyphen"
        case .noLetter: "vanity code needs at least one letter"
        case .reserved: "code is a reserved word"
        }
    }
}
