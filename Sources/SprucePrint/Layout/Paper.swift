/// The sheet a document is printed on.
public enum Paper: String, Sendable, Hashable, CaseIterable {
    /// US Letter, 8.5 × 11 in (612 × 792 pt).
    case letter
    /// ISO A4, 210 × 297 mm (595.28 × 841.89 pt).
    case a4

    /// Width and height in points, portrait.
    public var size: (width: Double, height: Double) {
        switch self {
        case .letter: (612, 792)
        case .a4: (Length.mm(210), Length.mm(297))
        }
    }

    /// The names the CLI and the server accept, comma separated.
    public static let allowed = allCases.map(\.rawValue).joined(separator: ", ")
}
