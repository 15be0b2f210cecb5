/// Renders a `QRCode` as text for a terminal, quiet zone included.
///
/// Without ANSI colors, dark modules are drawn with glyphs and light modules are spaces, which scans on a
/// light theme; `inverted` swaps them for dark themes. `ansiColors` paints black on white explicitly so the
/// code scans on any theme.
///
/// ```swift
/// print(TerminalRenderer(ansiColors: true).render(code), terminator: "")
/// ```
public struct TerminalRenderer: Sendable, Hashable {
    /// How modules are drawn.
    public enum Style: String, Sendable, Hashable, CaseIterable {
        /// Two module rows per line with `▀ ▄ █` and space (the default, the most compact).
        case halfBlocks
        /// One module row per line, `██` per dark module.
        case fullBlocks
        /// One module row per line, `##` per dark module (as `qrencode -t ASCII`).
        case ascii
    }

    /// How modules are drawn.
    public var style: Style
    /// Quiet zone in modules.
    public var margin: Int
    /// Paint dark modules black on an explicit white background (SGR 30;107), reset at each line end.
    public var ansiColors: Bool
    /// Draw light modules as glyphs instead of dark ones (for dark terminal themes without colors).
    public var inverted: Bool

    /// Creates a terminal renderer.
    /// - Parameters:
    ///   - style: `.halfBlocks` by default.
    ///   - margin: Quiet zone in modules; 4 by default (the standard's quiet zone; `qrencode -t UTF8` uses 2).
    ///   - ansiColors: Whether to add explicit colors.
    ///   - inverted: Whether to swap dark and light glyphs.
    public init(style: Style = .halfBlocks, margin: Int = 4, ansiColors: Bool = false, inverted: Bool = false) {
        self.style = style
        self.margin = margin
        self.ansiColors = ansiColors
        self.inverted = inverted
    }

    /// Renders the code; every line ends with `\n`.
    /// - Throws: `RenderError.invalidMargin` when the margin is out of range.
    public func render(_ code: QRCode) throws(RenderError) -> String {
        guard (0...RenderOptions.maximumMargin).contains(margin) else { throw .invalidMargin(margin) }
        let side = code.width + 2 * margin
        // Whether the glyph is drawn at (x, y) of the padded matrix.
        func ink(_ x: Int, _ y: Int) -> Bool {
            guard y < side else { return inverted }  // the line below the last row of half blocks is light
            return code[x - margin, y - margin] != inverted
        }
        let start = ansiColors ? "\u{1B}[30;107m" : ""
        let end = ansiColors ? "\u{1B}[0m\n" : "\n"
        var text = ""
        text.reserveCapacity(side * side * 4)
        switch style {
        case .halfBlocks:
            for y in stride(from: 0, to: side, by: 2) {
                text += start
                for x in 0..<side {
                    switch (ink(x, y), ink(x, y + 1)) {
                    case (true, true): text += "█"
                    case (true, false): text += "▀"
                    case (false, true): text += "▄"
                    case (false, false): text += " "
                    }
                }
                text += end
            }
        case .fullBlocks, .ascii:
            let dark = style == .ascii ? "##" : "██"
            for y in 0..<side {
                text += start
                for x in 0..<side {
                    text += ink(x, y) ? dark : "  "
                }
                text += end
            }
        }
        return text
    }
}
