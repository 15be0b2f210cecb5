/// Why a print document was not made. Each message is one line that names what failed and the rule.
public enum PrintError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The link's code is too dense for the layout: its modules would come out smaller than the rules allow.
    /// Sizes are in millimetres.
    case codeTooDense(layout: PrintLayout, neededModule: Double, gotModule: Double, modules: Int)
    /// The headline is longer than ``PrintRules/headlineLimit`` characters.
    case headlineTooLong(length: Int, limit: Int)
    /// The headline holds a control character (or a line break or bidirectional override).
    case headlineControlCharacter(scalar: UInt32)
    /// The headline is empty or only spaces.
    case headlineEmpty
    /// The practice name is empty.
    case nameEmpty
    /// The URL cannot go on paper: empty, not http(s), or with spaces, quotes or control characters.
    case invalidURL(String)
    /// The language tag is not a BCP 47 tag of letters, digits and hyphens.
    case invalidLanguage(String)
    /// A document needs at least one link.
    case noContent
    /// The QR code could not be encoded (the URL is too long for any QR code).
    case encodingFailed(String)
    /// cairo failed; the value is its status text.
    case renderingFailed(String)
    /// The file could not be written; nothing was left at `path`.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .codeTooDense(let layout, let needed, let got, let modules):
            return "\(layout.rawValue): the code is too dense to scan at \(Self.metres(layout.scanningDistance)): "
                + "its modules must be at least \(Self.millimetres(needed)) but come out at \(Self.millimetres(got)) "
                + "(\(modules) modules across, quiet zone included, in \(Self.millimetres(layout.codeSide)))"
        case .headlineTooLong(let length, let limit):
            return "headline is \(length) characters, longer than the limit of \(limit)"
        case .headlineControlCharacter(let scalar):
            return "headline contains a control character (U+\(Self.hex(scalar))): use plain text on one line"
        case .headlineEmpty:
            return "headline is empty"
        case .nameEmpty:
            return "practice name is empty"
        case .invalidURL(let reason):
            return "link URL \(reason)"
        case .invalidLanguage(let tag):
            return "language '\(tag)' is not a language tag such as en or fr-CA"
        case .noContent:
            return "nothing to print: no link was given"
        case .encodingFailed(let message):
            return "the QR code cannot be made: \(message)"
        case .renderingFailed(let message):
            return "PDF rendering failed: \(message)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }

    private static func millimetres(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        let fraction = hundredths % 100
        return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction) mm"
    }

    private static func metres(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) m" : "\(value) m"
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
