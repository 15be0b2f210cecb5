import CSprucePNG

/// Renders a `QRCode` as PNG through libpng.
///
/// Pure black on white (or white on black), both opaque, gives a 1-bit grayscale PNG, the smallest file.
/// Any other pair of colors gives a 1-bit palette PNG (two 8-bit RGB entries, with a `tRNS` chunk when a
/// color has alpha). `dpi` adds a `pHYs` chunk.
///
/// ```swift
/// let code = try QRCode(text: "https://spruce.care/123456")
/// try PNGRenderer(options: RenderOptions(scale: 10), dpi: 300).write(code, to: "code.png")
/// ```
public struct PNGRenderer: Sendable, Hashable {
    /// Scale, margin and colors.
    public var options: RenderOptions
    /// Dots per inch stored in a `pHYs` chunk, or `nil` for none.
    public var dpi: Int?
    /// zlib and PNG filter settings.
    public var compression: Compression

    /// Creates a PNG renderer.
    /// - Parameters:
    ///   - options: Scale, margin and colors.
    ///   - dpi: Physical resolution for print, or `nil`.
    ///   - compression: zlib and filter settings; `.fast` by default.
    public init(options: RenderOptions = RenderOptions(), dpi: Int? = nil, compression: Compression = .fast) {
        self.options = options
        self.dpi = dpi
        self.compression = compression
    }

    /// Renders the code to PNG bytes.
    /// - Parameter code: The code to draw.
    /// - Returns: A complete PNG file.
    /// - Throws: `RenderError` for invalid options or a libpng failure.
    public func render(_ code: QRCode) throws(RenderError) -> [UInt8] {
        try options.validate()
        if let dpi, !(1...100_000).contains(dpi) { throw .invalidDPI(dpi) }
        var settings = spruce_png_options()
        settings.scale = Int32(options.scale)
        settings.margin = Int32(options.margin)
        settings.color_kind = colorKind.rawValue
        let fg = options.foreground
        let bg = options.background
        settings.foreground = (fg.red, fg.green, fg.blue, fg.alpha)
        settings.background = (bg.red, bg.green, bg.blue, bg.alpha)
        settings.dpi = Int32(dpi ?? 0)
        settings.compression_level = Int32(compression.level)
        settings.compression_strategy = compression.strategy.rawValue
        settings.filters = compression.filter.rawValue
        settings.memory_level = Int32(compression.memoryLevel)
        settings.window_bits = Int32(compression.windowBits ?? 0)

        let width = Int32(code.width)
        // The message buffer lives on the stack; the PNG bytes are copied once out of the C buffer.
        let result: Result<[UInt8], RenderError> = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) {
            message in
            message.initialize(repeating: 0)
            var buffer = spruce_png_buffer()
            defer { spruce_png_buffer_free(&buffer) }
            let status = code.moduleBytes.withUnsafeBufferPointer { modules in
                spruce_png_write_matrix(
                    modules.baseAddress, width, &settings, &buffer, message.baseAddress, message.count)
            }
            guard status == 0, let bytes = buffer.bytes else {
                let text = String(
                    decoding: message.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
                return .failure(.pngFailed(text.isEmpty ? "error \(status)" : text))
            }
            return .success(Array(UnsafeBufferPointer(start: bytes, count: buffer.count)))
        }
        return try result.get()
    }

    /// Renders the code and writes it to `path` atomically (a temporary file in the same directory, then rename).
    /// - Throws: `RenderError`; on failure nothing is left at `path`.
    public func write(_ code: QRCode, to path: String) throws(RenderError) {
        try AtomicFile.write(render(code), to: path)
    }

    /// The PNG color layout for the current colors.
    var colorKind: ColorKind {
        let fg = options.foreground
        let bg = options.background
        if fg == .black && bg == .white { return .grayBlackOnWhite }
        if fg == .white && bg == .black { return .grayWhiteOnBlack }
        return .palette
    }

    enum ColorKind: Int32 {
        case grayBlackOnWhite = 0
        case grayWhiteOnBlack = 1
        case palette = 2
    }
}
