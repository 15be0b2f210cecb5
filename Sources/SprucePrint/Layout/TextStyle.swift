/// How a paragraph is set: font, starting size, the smallest size it may shrink to, color and alignment.
struct TextStyle {
    enum Font {
        case regular, bold, mono

        /// Pango family lists: Noto Sans first, then the Arabic and CJK faces Noto Sans lacks.
        var families: String {
            switch self {
            case .regular, .bold: "Noto Sans,Noto Sans Arabic,Noto Sans CJK SC,Noto Sans Symbols"
            case .mono: "Noto Sans Mono,Noto Sans CJK SC"
            }
        }

        var isBold: Bool { self == .bold }
    }

    /// Start, center or end of the line; start and end follow the paragraph's direction (right to left for Arabic).
    enum Alignment {
        case start, center, end
    }

    var font: Font
    /// The preferred size in points.
    var size: Double
    /// The smallest size, in points, a paragraph shrinks to before it is cut with an ellipsis.
    var minimumSize: Double
    var color: PrintColor
    var alignment: Alignment
    /// At most this many lines before the text shrinks.
    var maximumLines: Int
}
