/// A phone number in E.164 form, `+` followed by the country calling code and the national number.
///
/// Normalization is hand-written (no phone library is allowed): separators `space - . ( ) /` are dropped, `00`
/// and `+` start an international number, anything else is national to the default region, whose trunk prefix is
/// removed. North American (NANP, `+1`) numbers must have an area code and exchange that start with 2–9. Lengths
/// come from ``CallingCode/table``.
///
/// ```swift
/// let phone = try PhoneNumber(parsing: "(217) 555-0100")   // +12175550100
/// let uk = try PhoneNumber(parsing: "020 7946 0018", defaultRegion: "GB")  // +442079460018
/// ```
public struct PhoneNumber: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The number in E.164 form, e.g. `+12175550100`.
    public let e164: String

    /// Parses and normalizes `text`.
    /// - Parameters:
    ///   - text: what the user typed.
    ///   - defaultRegion: the ISO region for numbers written without a country code (`US` unless configured).
    /// - Throws: ``InvitationInputError`` with field `phone` naming the rule that failed.
    public init(parsing text: String, defaultRegion: String = "US") throws(InvitationInputError) {
        func fail(_ rule: String) -> InvitationInputError { InvitationInputError(field: "phone", rule: rule) }
        var digits = ""
        var international = false
        for (offset, scalar) in text.trimmingWhitespace().unicodeScalars.enumerated() {
            switch scalar {
            case "0"..."9": digits.unicodeScalars.append(scalar)
            case "+" where offset == 0: international = true
            case " ", "-", ".", "(", ")", "/", "\u{00A0}": continue
            default: throw fail("\"\(text)\" has a character that is not a digit or a separator")
            }
        }
        guard !digits.isEmpty else { throw fail("is empty") }
        if !international, digits.hasPrefix("00") {
            international = true
            digits.removeFirst(2)
        }
        let rules: CallingCode
        var national: Substring
        if international {
            guard let found = CallingCode.matching(internationalDigits: Substring(digits)) else {
                throw fail("+\(digits.prefix(3))… does not start with a known country calling code")
            }
            rules = found
            national = Substring(digits).dropFirst(found.code.count)
        } else {
            guard let found = CallingCode.forRegion(defaultRegion) else {
                throw InvitationInputError(field: "default country", rule: "\(defaultRegion) is not a known region")
            }
            rules = found
            national = Substring(digits)
            if let trunk = found.trunkPrefix, national.hasPrefix(trunk),
                found.lengths.contains(national.count - trunk.count)
            {
                national = national.dropFirst(trunk.count)
            }
        }
        guard rules.lengths.contains(national.count) else {
            let lengths = rules.lengths.count == 1
                ? "\(rules.lengths.lowerBound) digits"
                : "\(rules.lengths.lowerBound) to \(rules.lengths.upperBound) digits"
            throw fail("+\(rules.code) numbers have \(lengths) after the country code, \"\(text)\" has \(national.count)")
        }
        if rules.code == "1" {
            let areaCode = national.first ?? "0"
            let exchange = national.dropFirst(3).first ?? "0"
            guard areaCode >= "2", exchange >= "2" else {
                throw fail("\"\(text)\": North American area codes and exchanges start with 2 to 9")
            }
        }
        guard rules.code.count + national.count <= 15 else { throw fail("E.164 numbers have at most 15 digits") }
        self.e164 = "+" + rules.code + national
    }

    public var description: String { e164 }
}
