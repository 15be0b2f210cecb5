/// A QR code (or Micro QR code) symbol: the module matrix libqrencode produced for a text.
///
/// `QRCode` is a plain value: encoding happens once in `init(text:options:)` and the result
/// holds no C memory.
///
/// ```swift
/// let code = try QRCode(text: "https://spruce.care/123456")
/// print(code.version, code.width)   // 2 25
/// let png = try PNGRenderer().render(code)
/// ```
public struct QRCode: Sendable, Hashable {
    /// The encoded text.
    public let text: String
    /// Modules per side, without the quiet zone.
    public let width: Int
    /// The symbol version: 1...40, or 1...4 for Micro QR.
    public let version: Int
    /// The error-correction level.
    public let level: ErrorCorrectionLevel
    /// Whether this is a Micro QR symbol.
    public let isMicro: Bool
    /// Row-major modules, one byte per module, 1 = dark. Internal so the PNG writer can hand it to C as is.
    let moduleBytes: [UInt8]

    /// Encodes `text` with libqrencode.
    ///
    /// - Parameters:
    ///   - text: The text to encode, as UTF-8. Must not be empty.
    ///   - options: Error-correction level, minimum version, mode and Micro QR.
    /// - Throws: `QRCodeError` when the text is empty, does not fit, or the options are not possible.
    public init(text: String, options: Options = Options()) throws(QRCodeError) {
        let matrix = try LibQREncode.encode(text: text, options: options)
        self.text = text
        self.width = matrix.width
        self.version = matrix.version
        self.level = options.level
        self.isMicro = options.micro
        self.moduleBytes = matrix.modules
    }

    /// Whether the module at column `x`, row `y` is dark. Coordinates outside the symbol are light.
    public subscript(x: Int, y: Int) -> Bool {
        guard x >= 0, y >= 0, x < width, y < width else { return false }
        return moduleBytes[y * width + x] != 0
    }

    /// All modules row-major (`width * width` values, `true` = dark).
    public var modules: [Bool] {
        moduleBytes.map { $0 != 0 }
    }
}

extension QRCode {
    /// The four error-correction levels of QR codes.
    public enum ErrorCorrectionLevel: String, Sendable, Hashable, CaseIterable {
        /// About 7 % of the codewords can be restored.
        case low = "L"
        /// About 15 % of the codewords can be restored (the default).
        case medium = "M"
        /// About 25 % of the codewords can be restored.
        case quartile = "Q"
        /// About 30 % of the codewords can be restored.
        case high = "H"

        /// The one-letter name used by QR specifications and `qrencode -l`.
        public var letter: String { rawValue }
    }

    /// How the text is turned into QR data segments.
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// libqrencode chooses numeric, alphanumeric and 8-bit segments (as `qrencode` does by default).
        case automatic
        /// The whole text as one 8-bit segment of UTF-8 bytes (as `qrencode -8`).
        case byte
        /// The whole text as one alphanumeric segment; only `0-9 A-Z space $ % * + - . / :` are allowed.
        case alphanumeric
    }

    /// Options for encoding.
    public struct Options: Sendable, Hashable {
        /// Error-correction level; `.medium` by default. Micro QR allows `.low`, `.medium` and `.quartile`.
        public var level: ErrorCorrectionLevel
        /// The smallest version to use (1...40, or 1...4 for Micro QR); larger versions are used when the
        /// text needs them. `nil` picks the smallest version that fits.
        public var minimumVersion: Int?
        /// How the text is split into segments.
        public var mode: Mode
        /// Encode a Micro QR symbol (versions M1...M4).
        public var micro: Bool

        /// Creates encoding options.
        /// - Parameters:
        ///   - level: Error-correction level.
        ///   - minimumVersion: Smallest version, or `nil` for automatic.
        ///   - mode: Segment mode.
        ///   - micro: Whether to encode Micro QR.
        public init(
            level: ErrorCorrectionLevel = .medium,
            minimumVersion: Int? = nil,
            mode: Mode = .automatic,
            micro: Bool = false
        ) {
            self.level = level
            self.minimumVersion = minimumVersion
            self.mode = mode
            self.micro = micro
        }

        /// The allowed versions for these options: 1...40, or 1...4 for Micro QR.
        public var versionRange: ClosedRange<Int> { micro ? 1...4 : 1...40 }
    }

    /// The characters allowed in alphanumeric mode.
    static let alphanumericCharacters: Set<UInt8> = Set(Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:".utf8))
}
