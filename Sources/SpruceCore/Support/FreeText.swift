import Foundation

/// The one rule for text a user writes (names, labels, messages, profile fields): no control characters, so that
/// nothing stored can move a terminal's cursor, forge a log line or a mail header, or hide text. Single-line text
/// (names, labels) also refuses line and paragraph separators; multi-line text (messages, descriptions) keeps
/// line feeds and tabs, with CR LF and lone CR read as line feeds.
public enum FreeText {
    /// The rule a refused text broke, as a phrase; `nil` when the text is acceptable.
    public static func violation(in text: String, multiline: Bool = false) -> String? {
        for scalar in text.unicodeScalars where isForbidden(scalar, multiline: multiline) {
            return multiline
                ? "may not hold control characters (U+\(hex(scalar)))"
                : "may not hold control characters or line breaks (U+\(hex(scalar)))"
        }
        return nil
    }

    /// Line breaks written as LF: CR LF and lone CR become LF.
    public static func normalizingLineBreaks(_ text: String) -> String {
        guard text.unicodeScalars.contains("\r") else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    static func isForbidden(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        if multiline, scalar == "\n" || scalar == "\t" || scalar == "\r" { return false }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return false
        }
    }

    private static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
