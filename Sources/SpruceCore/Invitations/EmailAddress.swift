import Foundation

/// An email address checked by a practical subset of RFC 5322: a dot-atom local part (no quoted strings, no
/// comments) and a domain of at least two labels. Internationalized domains are accepted and carried in both forms:
/// Unicode for display and storage, and ASCII (IDNA Punycode, `xn--…`) for message headers.
///
/// The address is lowercased, so that `Ana@Example.com` and `ana@example.com` are one recipient.
public struct EmailAddress: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The address as stored, lowercased, with a Unicode domain.
    public let address: String
    /// The address with its domain in ASCII (Punycode): what goes into `To:`.
    public let asciiAddress: String

    static let atextSymbols = Set("!#$%&'*+/=?^_`{|}~-".utf8)

    /// Checks and normalizes `text`.
    /// - Throws: ``InvitationInputError`` with field `email` naming the rule that failed.
    public init(parsing text: String) throws(InvitationInputError) {
        func fail(_ rule: String) -> InvitationInputError { InvitationInputError(field: "email", rule: rule) }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw fail("is empty") }
        guard let at = trimmed.lastIndex(of: "@") else { throw fail("\"\(trimmed)\" has no @") }
        let local = String(trimmed[..<at]).lowercased()
        let domain = String(trimmed[trimmed.index(after: at)...]).precomposedStringWithCanonicalMapping.lowercased()
        guard !local.isEmpty else { throw fail("\"\(trimmed)\" has nothing before the @") }
        guard local.utf8.count <= 64 else { throw fail("the part before the @ is longer than 64 characters") }
        for byte in local.utf8
        where
            !(ASCII.isLowercaseLetter(byte) || ASCII.isDigit(byte) || byte == UInt8(ascii: ".")
            || Self.atextSymbols.contains(byte))
        {
            throw fail(
                "\"\(trimmed)\" has a character not allowed before the @ (letters, digits and !#$%&'*+/=?^_`{|}~- only)"
            )
        }
        guard !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else {
            throw fail("\"\(trimmed)\": dots before the @ may not lead, trail or repeat")
        }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2 else {
            throw fail("\"\(trimmed)\": the domain needs at least two labels, like example.com")
        }
        var asciiLabels: [String] = []
        for label in labels {
            guard !label.isEmpty else { throw fail("\"\(trimmed)\": the domain has an empty label") }
            let ascii: String
            if label.utf8.allSatisfy({ $0 < 0x80 }) {
                ascii = String(label)
                guard
                    ascii.utf8.allSatisfy({
                        ASCII.isLowercaseLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-")
                    })
                else { throw fail("\"\(trimmed)\": domain labels hold letters, digits and hyphens only") }
            } else {
                guard
                    label.unicodeScalars.allSatisfy({
                        $0.properties.isAlphabetic || $0.properties.numericType != nil
                            || $0.properties.generalCategory
                                == .nonspacingMark
                            || $0.properties.generalCategory == .spacingMark || $0 == "-"
                    })
                else { throw fail("\"\(trimmed)\": domain labels hold letters, digits and hyphens only") }
                guard let encoded = Punycode.encode(String(label)) else {
                    throw fail("\"\(trimmed)\": the domain cannot be encoded as IDNA")
                }
                ascii = "xn--" + encoded
            }
            guard ascii.utf8.count <= 63 else {
                throw fail("\"\(trimmed)\": a domain label is longer than 63 characters")
            }
            guard !ascii.hasPrefix("-"), !ascii.hasSuffix("-") else {
                throw fail("\"\(trimmed)\": domain labels may not start or end with a hyphen")
            }
            asciiLabels.append(ascii)
        }
        if let last = asciiLabels.last, last.utf8.allSatisfy(ASCII.isDigit) {
            throw fail("\"\(trimmed)\": the top-level domain cannot be numeric")
        }
        let asciiDomain = asciiLabels.joined(separator: ".")
        guard asciiDomain.utf8.count <= 253 else { throw fail("the domain is longer than 253 characters") }
        self.address = local + "@" + domain
        self.asciiAddress = local + "@" + asciiDomain
        guard asciiAddress.utf8.count <= 254 else { throw fail("the address is longer than 254 characters") }
    }

    public var description: String { address }
}
