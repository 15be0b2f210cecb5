/// A phone number checked against the real numbering plans (Google's libphonenumber), in E.164 form.
///
/// Any region libphonenumber knows can be the default region for numbers written without `+` or `00`; a number
/// must be valid (the right length *and* in an assigned range), and its ``kind`` says whether it can receive
/// texts (``canReceiveTexts``: mobile, or a region such as the US where fixed and mobile numbers look alike).
///
/// ```swift
/// let phone = try PhoneNumber(parsing: "(217) 555-0100")   // +12175550100, fixed line or mobile
/// let uk = try PhoneNumber(parsing: "020 7946 0018", defaultRegion: "GB")  // +442079460018, fixed line
/// try uk.requireTexts()   // phone: +442079460018 is a fixed-line number, which cannot receive texts
/// ```
public struct PhoneNumber: Hashable, Sendable, CustomStringConvertible {
    /// The longest text accepted, in characters.
    public static let inputLimit = 64

    /// The number in E.164 form, e.g. `+12175550100`.
    public let e164: String
    /// The kind of line.
    public let kind: Kind
    /// The region the number belongs to (ISO 3166-1 alpha-2), or `nil` for non-geographic numbers.
    public let region: String?

    /// What kind of line a number belongs to, as libphonenumber classifies it.
    public enum Kind: String, Sendable, CaseIterable {
        case fixedLine = "fixed-line"
        case mobile
        /// The number plan does not tell fixed from mobile (the US, Canada, …).
        case fixedLineOrMobile = "fixed-line or mobile"
        case tollFree = "toll-free"
        case premiumRate = "premium-rate"
        case sharedCost = "shared-cost"
        case voip = "VoIP"
        case personal
        case pager
        case universalAccess = "universal access"
        case voicemail
        case unknown
    }

    /// Whether texts can be sent to the number: mobile, or fixed line or mobile.
    public var canReceiveTexts: Bool { kind == .mobile || kind == .fixedLineOrMobile }

    /// Parses, validates and classifies `text`.
    /// - Parameters:
    ///   - text: what the user typed: digits with spaces, dashes, dots, slashes or brackets, `+` or `00` before a
    ///     country calling code.
    ///   - defaultRegion: the ISO region for numbers written without a country code (`US` unless configured).
    /// - Throws: ``InvitationInputError`` with field `phone` naming why the number is refused (too short, too
    ///   long, not in the region's numbering plan, not a number, an unknown calling code, an extension), or field
    ///   `default country` for a region libphonenumber does not know.
    public init(parsing text: String, defaultRegion: String = "US") throws(InvitationInputError) {
        func fail(_ rule: String) -> InvitationInputError { InvitationInputError(field: "phone", rule: rule) }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw fail("is empty") }
        guard trimmed.count <= Self.inputLimit else { throw fail("is longer than \(Self.inputLimit) characters") }
        guard !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw fail("may not hold control characters or line breaks")
        }
        let region = defaultRegion.uppercased()
        let parsed = LibPhoneNumber.parse(trimmed, defaultRegion: region)
        let quoted = "\"\(trimmed)\""
        let calling = parsed.countryCode > 0 ? "a +\(parsed.countryCode) number" : "a phone number"
        switch parsed.problem {
        case nil: break
        case .unknownRegion:
            throw InvitationInputError(field: "default country", rule: "\(defaultRegion) is not a known region")
        case .invalidCountryCode: throw fail("\(quoted) does not start with a known country calling code")
        case .notANumber: throw fail("\(quoted) is not a phone number")
        case .tooShortAfterInternationalPrefix:
            throw fail("\(quoted) has too few digits after the international prefix")
        case .tooShort: throw fail("\(quoted) is too short for \(calling)")
        case .tooLong: throw fail("\(quoted) is too long for \(calling)")
        case .invalidLength: throw fail("\(quoted) has no length that \(calling) can have")
        case .localOnly: throw fail("\(quoted) is a local number: add the area code")
        case .notInNumberingPlan:
            throw fail("\(quoted) is not a valid +\(parsed.countryCode) number: no such range is assigned")
        }
        guard !parsed.hasExtension else { throw fail("\(quoted) has an extension: give the number alone") }
        self.e164 = parsed.e164
        self.kind = parsed.kind
        self.region = parsed.region.isEmpty ? nil : parsed.region
    }

    /// The E.164 spelling of `text` whenever it reads as a number at all, valid or not, or `nil`: what rate limits
    /// key a phone login on, so that `+15551234567`, `+1 555 123 4567` and `+1-555-123-4567` are one key.
    public static func canonicalKey(for text: String, defaultRegion: String = "US") -> String? {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= inputLimit,
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        let parsed = LibPhoneNumber.parse(trimmed, defaultRegion: defaultRegion.uppercased())
        return parsed.e164.isEmpty ? nil : parsed.e164
    }

    /// Refuses a number that cannot receive texts.
    /// - Throws: ``InvitationInputError`` with field `phone`, e.g. `+442079460018 is a fixed-line number, which
    ///   cannot receive texts`.
    public func requireTexts() throws(InvitationInputError) {
        guard canReceiveTexts else {
            throw InvitationInputError(
                field: "phone", rule: "\(e164) is a \(kind.rawValue) number, which cannot receive texts")
        }
    }

    /// Whether libphonenumber has a numbering plan for `region` (ISO 3166-1 alpha-2, any case).
    public static func isSupportedRegion(_ region: String) -> Bool {
        region.utf8.count == 2 && LibPhoneNumber.isSupportedRegion(region.uppercased())
    }

    /// How many regions have a numbering plan.
    public static var supportedRegionCount: Int { LibPhoneNumber.supportedRegionCount }

    public var description: String { e164 }
}
