import CPhoneNumber

/// The one place Swift calls libphonenumber (through the C shim `CPhoneNumber`): strings go in as C strings for
/// the length of the call, a fixed-size struct comes back, and nothing is kept or freed on the Swift side.
enum LibPhoneNumber {
    /// Why a text was refused, from the shim's status.
    enum Problem: Sendable {
        case unknownRegion, invalidCountryCode, notANumber, tooShortAfterInternationalPrefix, tooShort, tooLong
        case invalidLength, localOnly, notInNumberingPlan
    }

    /// What the shim said about one text.
    struct Parsed: Sendable {
        var problem: Problem?
        var kind: PhoneNumber.Kind
        var countryCode: Int
        var hasExtension: Bool
        /// E.164 whenever the text parsed, valid or not; empty otherwise.
        var e164: String
        /// The region the number belongs to; empty when none (an invalid number, or a non-geographic code).
        var region: String
    }

    static func parse(_ text: String, defaultRegion: String) -> Parsed {
        var result = cpn_number()
        text.withCString { textPointer in
            defaultRegion.withCString { regionPointer in
                cpn_parse(textPointer, regionPointer, &result)
            }
        }
        let e164 = withUnsafeBytes(of: result.e164) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let region = withUnsafeBytes(of: result.region) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return Parsed(
            problem: problem(UInt32(bitPattern: result.status)), kind: kind(UInt32(bitPattern: result.type)),
            countryCode: Int(result.country_code), hasExtension: result.has_extension != 0, e164: e164, region: region)
    }

    static func isSupportedRegion(_ region: String) -> Bool {
        region.withCString { cpn_is_supported_region($0) != 0 }
    }

    static var supportedRegionCount: Int { Int(cpn_supported_region_count()) }

    private static func problem(_ status: UInt32) -> Problem? {
        switch status {
        case CPN_OK.rawValue: nil
        case CPN_UNKNOWN_REGION.rawValue: .unknownRegion
        case CPN_INVALID_COUNTRY_CODE.rawValue: .invalidCountryCode
        case CPN_TOO_SHORT_AFTER_IDD.rawValue: .tooShortAfterInternationalPrefix
        case CPN_TOO_SHORT.rawValue: .tooShort
        case CPN_TOO_LONG.rawValue, CPN_INPUT_TOO_LONG.rawValue: .tooLong
        case CPN_INVALID_LENGTH.rawValue: .invalidLength
        case CPN_LOCAL_ONLY.rawValue: .localOnly
        case CPN_INVALID_FOR_REGION.rawValue: .notInNumberingPlan
        default: .notANumber
        }
    }

    private static func kind(_ type: UInt32) -> PhoneNumber.Kind {
        switch type {
        case CPN_FIXED_LINE.rawValue: .fixedLine
        case CPN_MOBILE.rawValue: .mobile
        case CPN_FIXED_LINE_OR_MOBILE.rawValue: .fixedLineOrMobile
        case CPN_TOLL_FREE.rawValue: .tollFree
        case CPN_PREMIUM_RATE.rawValue: .premiumRate
        case CPN_SHARED_COST.rawValue: .sharedCost
        case CPN_VOIP.rawValue: .voip
        case CPN_PERSONAL_NUMBER.rawValue: .personal
        case CPN_PAGER.rawValue: .pager
        case CPN_UAN.rawValue: .universalAccess
        case CPN_VOICEMAIL.rawValue: .voicemail
        default: .unknown
        }
    }
}
