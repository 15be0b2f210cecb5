/// Size and colors shared by the PNG and SVG renderers (the terminal renderer uses `margin`).
public struct RenderOptions: Sendable, Hashable {
    /// Pixels per module (PNG) or user units per module (SVG width and height). At least 1.
    public var scale: Int
    /// Quiet zone around the symbol, in modules. The QR standard asks for 4 (2 for Micro QR).
    public var margin: Int
    /// Color of dark modules.
    public var foreground: RGBAColor
    /// Color of light modules and the quiet zone.
    public var background: RGBAColor

    /// Creates render options.
    /// - Parameters:
    ///   - scale: Pixels per module; 8 by default (a version-2 code at margin 4 is 264 px).
    ///   - margin: Quiet zone in modules; 4 by default.
    ///   - foreground: Dark module color; black by default.
    ///   - background: Light module color; white by default.
    public init(scale: Int = 8, margin: Int = 4, foreground: RGBAColor = .black, background: RGBAColor = .white) {
        self.scale = scale
        self.margin = margin
        self.foreground = foreground
        self.background = background
    }

    /// The largest scale accepted.
    public static let maximumScale = 1000
    /// The largest margin accepted.
    public static let maximumMargin = 100

    /// Throws when scale or margin are out of range or the two colors are the same.
    func validate() throws(RenderError) {
        guard (1...Self.maximumScale).contains(scale) else { throw .invalidScale(scale) }
        guard (0...Self.maximumMargin).contains(margin) else { throw .invalidMargin(margin) }
        guard foreground != background else { throw .indistinguishableColors(foreground) }
    }
}
