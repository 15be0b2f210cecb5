/// Why a QR code could not be rendered or written.
public enum RenderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Scale outside 1...`RenderOptions.maximumScale`.
    case invalidScale(Int)
    /// Margin outside 0...`RenderOptions.maximumMargin`.
    case invalidMargin(Int)
    /// DPI outside 1...100000.
    case invalidDPI(Int)
    /// Foreground and background are the same color.
    case indistinguishableColors(RGBAColor)
    /// libpng (or the C writer around it) failed; the value is its message.
    case pngFailed(String)
    /// The file could not be written; nothing was left at `path`.
    case writeFailed(path: String, reason: String)

    /// One line that names the option that failed and what it allows.
    public var description: String {
        switch self {
        case .invalidScale(let scale):
            return "scale \(scale) is out of range: allowed 1...\(RenderOptions.maximumScale)"
        case .invalidMargin(let margin):
            return "margin \(margin) is out of range: allowed 0...\(RenderOptions.maximumMargin)"
        case .invalidDPI(let dpi):
            return "dpi \(dpi) is out of range: allowed 1...100000"
        case .indistinguishableColors(let color):
            return "foreground and background are both \(color): a code needs two different colors"
        case .pngFailed(let message):
            return "PNG encoding failed: \(message)"
        case .writeFailed(let path, let reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
