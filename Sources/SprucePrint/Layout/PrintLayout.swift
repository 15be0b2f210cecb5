/// What is printed on each sheet.
public enum PrintLayout: String, Sendable, Hashable, CaseIterable {
    /// One page: headline, the practice name, the code large, the short URL and three steps.
    case poster
    /// Two half-page flyers per sheet with a cut line.
    case flyer
    /// A folded counter tent: the same face on both halves, the upper one upside down, with fold and crop marks.
    case tent
    /// Ten business cards (85 × 55 mm) per sheet with crop marks, the code on each.
    case cards

    /// The distance, in metres, people are expected to scan from.
    public var scanningDistance: Double {
        switch self {
        case .poster: 2
        case .flyer, .tent: 1
        case .cards: 0.3
        }
    }

    /// How many codes each sheet carries.
    public var codesPerSheet: Int {
        switch self {
        case .poster: 1
        case .flyer, .tent: 2
        case .cards: 10
        }
    }

    /// The side, in millimetres, of the square the code is printed in, its quiet zone included.
    var codeSide: Double {
        switch self {
        case .poster: 200
        case .flyer, .tent: 100
        case .cards: 40
        }
    }

    /// What the document's title calls it.
    var title: String {
        switch self {
        case .poster: "Poster"
        case .flyer: "Flyers"
        case .tent: "Table tent"
        case .cards: "Business cards"
        }
    }

    /// The names the CLI and the server accept, comma separated.
    public static let allowed = allCases.map(\.rawValue).joined(separator: ", ")
}
