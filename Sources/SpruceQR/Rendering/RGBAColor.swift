/// An 8-bit-per-channel color with alpha, written `#RRGGBB` or `#RRGGBBAA`.
public struct RGBAColor: Sendable, Hashable, CustomStringConvertible {
    /// Red channel, 0...255.
    public var red: UInt8
    /// Green channel, 0...255.
    public var green: UInt8
    /// Blue channel, 0...255.
    public var blue: UInt8
    /// 255 is opaque, 0 fully transparent.
    public var alpha: UInt8

    /// Creates a color from its channels.
    public init(red: UInt8, green: UInt8, blue: UInt8, alpha: UInt8 = 255) {
        self.red = red
        self.green = green
        self.blue = blue
        self.alpha = alpha
    }

    /// Parses `#RRGGBB` or `#RRGGBBAA` (hex digits in either case).
    ///
    /// - Parameter hex: The color text, for example `#1a7f37` or `#00000080`.
    /// - Throws: `RGBAColor.ParseError` naming the value when it is not of either form.
    public init(hex: String) throws(ParseError) {
        let utf8 = Array(hex.utf8)
        guard utf8.first == UInt8(ascii: "#"), utf8.count == 7 || utf8.count == 9 else {
            throw ParseError(value: hex)
        }
        var channels: [UInt8] = []
        var index = 1
        while index < utf8.count {
            guard let high = Self.hexValue(utf8[index]), let low = Self.hexValue(utf8[index + 1]) else {
                throw ParseError(value: hex)
            }
            channels.append(high << 4 | low)
            index += 2
        }
        self.init(
            red: channels[0], green: channels[1], blue: channels[2], alpha: channels.count == 4 ? channels[3] : 255)
    }

    /// Opaque black.
    public static let black = RGBAColor(red: 0, green: 0, blue: 0)
    /// Opaque white.
    public static let white = RGBAColor(red: 255, green: 255, blue: 255)

    /// Whether alpha is 255.
    public var isOpaque: Bool { alpha == 255 }

    /// `#RRGGBB` (upper-case hex), without alpha.
    public var rgbHex: String {
        "#" + [red, green, blue].map(Self.twoDigits).joined()
    }

    /// `#RRGGBB`, or `#RRGGBBAA` when not opaque.
    public var description: String {
        isOpaque ? rgbHex : rgbHex + Self.twoDigits(alpha)
    }

    /// A color text that is not `#RRGGBB` or `#RRGGBBAA`.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// The text that failed to parse.
        public var value: String
        /// The message, naming the value and the accepted forms.
        public var description: String { "invalid color \"\(value)\": expected #RRGGBB or #RRGGBBAA" }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    private static func twoDigits(_ value: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(value >> 4)], digits[Int(value & 0xF)]])
    }
}
