/// Renders a `QRCode` as an SVG document: a background `<rect>` and one `<path>` for the dark modules.
///
/// The `viewBox` is in modules (quiet zone included); `width` and `height` are modules × scale. Each row's
/// adjacent dark modules are merged into one rectangle, and `shape-rendering="crispEdges"` keeps edges sharp.
///
/// ```swift
/// let svg = try SVGRenderer(options: RenderOptions(scale: 4)).render(code)
/// ```
public struct SVGRenderer: Sendable, Hashable {
    /// Scale, margin and colors.
    public var options: RenderOptions

    /// Creates an SVG renderer.
    /// - Parameter options: Scale (user units per module), margin and colors.
    public init(options: RenderOptions = RenderOptions()) {
        self.options = options
    }

    /// Renders the code to an SVG document (UTF-8 text with an XML declaration).
    /// - Throws: `RenderError` for invalid options.
    public func render(_ code: QRCode) throws(RenderError) -> String {
        try options.validate()
        let margin = options.margin
        let side = code.width + 2 * margin
        let pixels = side * options.scale
        var path = ""
        path.reserveCapacity(code.width * code.width * 3)
        for y in 0..<code.width {
            var x = 0
            while x < code.width {
                guard code.moduleBytes[y * code.width + x] != 0 else {
                    x += 1
                    continue
                }
                var end = x
                while end < code.width, code.moduleBytes[y * code.width + end] != 0 { end += 1 }
                let run = end - x
                path += "M\(x + margin) \(y + margin)h\(run)v1h-\(run)z"
                x = end
            }
        }
        var svg = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        svg += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"\(pixels)\" height=\"\(pixels)\" "
        svg += "viewBox=\"0 0 \(side) \(side)\" shape-rendering=\"crispEdges\">\n"
        if options.background.alpha > 0 {
            svg += "<rect width=\"\(side)\" height=\"\(side)\"\(Self.fill(options.background))/>\n"
        }
        svg += "<path\(Self.fill(options.foreground)) d=\"\(path)\"/>\n"
        svg += "</svg>\n"
        return svg
    }

    /// Renders the code and writes it to `path` atomically.
    /// - Throws: `RenderError`; on failure nothing is left at `path`.
    public func write(_ code: QRCode, to path: String) throws(RenderError) {
        try AtomicFile.write(Array(render(code).utf8), to: path)
    }

    private static func fill(_ color: RGBAColor) -> String {
        var attribute = " fill=\"\(color.rgbHex)\""
        if !color.isOpaque {
            let opacity = Double(color.alpha) / 255
            attribute += " fill-opacity=\"\((opacity * 1000).rounded() / 1000)\""
        }
        return attribute
    }
}
