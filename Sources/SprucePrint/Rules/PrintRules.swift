import SpruceQR

/// The rules every print layout keeps, in one place.
///
/// - The code is drawn as vector rectangles, never as an image, inside a quiet zone of ``quietZoneModules``.
/// - Its modules are at least ``minimumModuleSize`` millimetres.
/// - Its printed width, quiet zone included, is at least a tenth of the layout's scanning distance
///   (``PrintLayout/scanningDistance``: poster 2 m → 200 mm, flyer and tent 1 m → 100 mm, cards 0.3 m → 30 mm).
/// - A code that cannot keep these rules in its layout is refused (``PrintError/codeTooDense``), never printed.
/// - The short URL is printed under every code; the headline is at most ``headlineLimit`` characters of
///   one-line text.
public enum PrintRules {
    /// Light modules around the symbol on every side.
    public static let quietZoneModules = 4
    /// The smallest module, in millimetres, that print and phone cameras resolve reliably.
    public static let minimumModuleSize = 0.5
    /// The longest headline, in characters (grapheme clusters).
    public static let headlineLimit = 60
    /// The headline when none is given.
    public static let defaultHeadline = "Message us securely"
    /// The three steps printed beside the code.
    static let steps = ["1. Open your phone's camera", "2. Point it at the code", "3. Tap the link to message us"]

    /// The least printed width of a layout's code, quiet zone included, in millimetres: a tenth of the distance.
    public static func minimumCodeWidth(for layout: PrintLayout) -> Double {
        layout.scanningDistance * 1000 / 10
    }

    /// The module size, in millimetres, that `code` gets in `layout`, after checking the rules.
    /// - Throws: ``PrintError/codeTooDense`` naming the layout, the module size needed and the size it would get.
    public static func moduleSize(of code: QRCode, in layout: PrintLayout) throws(PrintError) -> Double {
        let across = code.width + 2 * quietZoneModules
        let module = layout.codeSide / Double(across)
        let needed = max(minimumModuleSize, minimumCodeWidth(for: layout) / Double(across))
        guard module >= needed else {
            throw .codeTooDense(layout: layout, neededModule: needed, gotModule: module, modules: across)
        }
        return module
    }

    /// The headline to print: `text` without surrounding spaces, or the default when `nil`.
    /// - Throws: ``PrintError`` when it is empty, longer than ``headlineLimit`` or holds a control character,
    ///   a line or paragraph separator, or a bidirectional override.
    public static func headline(_ text: String?) throws(PrintError) -> String {
        guard let text else { return defaultHeadline }
        for scalar in text.unicodeScalars where isForbidden(scalar) {
            throw .headlineControlCharacter(scalar: scalar.value)
        }
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { throw .headlineEmpty }
        guard trimmed.count <= headlineLimit else {
            throw .headlineTooLong(length: trimmed.count, limit: headlineLimit)
        }
        return trimmed
    }

    /// The URL as printed under the code: without `https://`, which browsers add when people type it.
    static func displayURL(_ url: String) -> String {
        url.hasPrefix("https://") ? String(url.dropFirst("https://".count)) : url
    }

    /// Controls, line and paragraph separators, and the bidirectional embeddings, overrides and isolates that
    /// could reorder what the headline shows.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        default: return (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
        }
    }
}

extension String {
    /// The text without leading and trailing whitespace.
    var trimmingSpaces: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
