import Foundation

/// The colors of a practice link's QR code, set by the organization that owns the link (never by whoever asks
/// for the image). Dark modules on a light background, with enough contrast for phone cameras.
public struct QRColors: Hashable, Sendable, CustomStringConvertible {
    /// `#rrggbb`, lowercase.
    public let foreground: String
    /// `#rrggbb`, lowercase.
    public let background: String

    /// Black on white.
    public static let standard = QRColors(checkedForeground: "#000000", background: "#ffffff")

    /// The least contrast ratio (WCAG 2 relative luminance) between the two colors.
    public static let minimumContrast = 4.5

    /// - Throws: ``QRColorError`` naming the field when a color is not `#rrggbb` (the `#` may be left out), when the
    ///   foreground is not the darker one, or when the contrast is below ``minimumContrast``.
    public init(foreground: String, background: String) throws(QRColorError) {
        guard let dark = Self.channels(foreground) else { throw .malformed(field: "foreground") }
        guard let light = Self.channels(background) else { throw .malformed(field: "background") }
        let darkLuminance = Self.luminance(dark)
        let lightLuminance = Self.luminance(light)
        guard darkLuminance < lightLuminance else { throw .foregroundNotDarker }
        let contrast = (lightLuminance + 0.05) / (darkLuminance + 0.05)
        guard contrast >= Self.minimumContrast else { throw .lowContrast(ratio: contrast) }
        self.init(checkedForeground: Self.hex(dark), background: Self.hex(light))
    }

    private init(checkedForeground: String, background: String) {
        self.foreground = checkedForeground
        self.background = background
    }

    public var description: String { "\(foreground) on \(background)" }

    private static func channels(_ text: String) -> [UInt8]? {
        var digits = Substring(text.lowercased())
        if digits.hasPrefix("#") { digits = digits.dropFirst() }
        guard digits.utf8.count == 6, digits.utf8.allSatisfy({ ASCII.isDigit($0) || (0x61...0x66).contains($0) }) else {
            return nil
        }
        var channels: [UInt8] = []
        var index = digits.startIndex
        while index < digits.endIndex {
            let next = digits.index(index, offsetBy: 2)
            guard let value = UInt8(digits[index..<next], radix: 16) else { return nil }
            channels.append(value)
            index = next
        }
        return channels
    }

    private static func hex(_ channels: [UInt8]) -> String {
        "#" + channels.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// WCAG 2 relative luminance of an sRGB color.
    private static func luminance(_ channels: [UInt8]) -> Double {
        let linear = channels.map { channel -> Double in
            let value = Double(channel) / 255
            return value <= 0.039_28 ? value / 12.92 : pow((value + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    }
}

/// Why QR colors were refused.
public enum QRColorError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(field: String)
    case foregroundNotDarker
    case lowContrast(ratio: Double)

    /// The field the error is about.
    public var field: String {
        switch self {
        case .malformed(let field): field
        case .foregroundNotDarker, .lowContrast: "foreground"
        }
    }

    public var rule: String {
        switch self {
        case .malformed: "must be a color written #rrggbb"
        case .foregroundNotDarker: "must be darker than the background (cameras look for dark modules on light)"
        case .lowContrast(let ratio):
            "has a contrast of \((ratio * 10).rounded(.down) / 10):1 with the background; at least \(QRColors.minimumContrast):1 scans reliably"
        }
    }

    public var description: String { "\(field) \(rule)" }
}
