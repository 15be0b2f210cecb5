import Foundation

/// Turns a practice name into the text of a vanity code: "Oak Street Pediatrics" → `oak-street-pediatrics`.
///
/// Diacritics are folded (`é` → `e`), letters that do not decompose are spelled out (`ß` → `ss`, `ø` → `o`),
/// apostrophes vanish (`Mary's` → `marys`), every other run of punctuation, symbols or spaces becomes one
/// hyphen, and the result is capped at ``LinkCode/vanityLengths`` on a word boundary where one is near.
public enum VanitySlug {
    /// The slug for `name`, or `nil` when the name holds no letter (a vanity code needs one) or too few characters.
    public static func make(from name: String) -> String? {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive, .widthInsensitive], locale: nil)
        var slug = ""
        var pendingHyphen = false
        for scalar in folded.unicodeScalars {
            if apostrophes.contains(scalar) { continue }
            let spelled = spelledOut[scalar] ?? String(scalar)
            for byte in spelled.utf8 {
                if ASCII.isLowercaseLetter(byte) || ASCII.isDigit(byte) {
                    if pendingHyphen && !slug.isEmpty { slug.append("-") }
                    pendingHyphen = false
                    slug.unicodeScalars.append(Unicode.Scalar(byte))
                } else if ASCII.isUppercaseLetter(byte) {
                    if pendingHyphen && !slug.isEmpty { slug.append("-") }
                    pendingHyphen = false
                    slug.unicodeScalars.append(Unicode.Scalar(byte + 0x20))
                } else {
                    pendingHyphen = true
                }
            }
        }
        let capped = truncate(slug, toFit: LinkCode.vanityLengths.upperBound)
        guard capped.count >= LinkCode.vanityLengths.lowerBound,
            capped.utf8.contains(where: ASCII.isLowercaseLetter)
        else { return nil }
        return capped
    }

    /// `slug` cut to at most `limit` characters, at the last hyphen if that keeps more than half, with no trailing hyphen.
    static func truncate(_ slug: String, toFit limit: Int) -> String {
        guard slug.count > limit else { return slug }
        var cut = String(slug.prefix(limit))
        // A cut that lands right before a hyphen already ends on a word boundary: keep the whole last word.
        if slug.dropFirst(limit).first == "-" { return cut }
        if let hyphen = cut.lastIndex(of: "-"), cut.distance(from: cut.startIndex, to: hyphen) > limit / 2 {
            cut = String(cut[..<hyphen])
        }
        while cut.hasSuffix("-") { cut.removeLast() }
        return cut
    }

    private static let apostrophes: Set<Unicode.Scalar> = ["'", "\u{2019}", "\u{2018}", "`", "\u{02BC}"]

    /// Latin letters that Unicode does not decompose into a base letter plus a mark.
    private static let spelledOut: [Unicode.Scalar: String] = [
        "ß": "ss", "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
        "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i", "&": " and ",
    ]
}
