import Foundation

/// The one JSON shape of a link: the API's `Link` schema (`GET /api/v1/links`), also what the CLI's `--json`
/// prints.
public struct LinkDocument: Encodable, Sendable {
    /// A link's QR colors, `#rrggbb` each.
    public struct Colors: Codable, Sendable {
        public let foreground: String
        public let background: String

        public init(foreground: String, background: String) {
            self.foreground = foreground
            self.background = background
        }
    }

    public let code: String
    /// The link's public address, e.g. `https://spruce.care/4827163`.
    public let url: String
    public let label: String
    public let tags: [String]
    public let status: String
    public let primary: Bool
    public let createdAt: Date
    public let qrColors: Colors
    /// Only on a freshly minted numeric link: the digits minting used, and why when it moved past the length asked
    /// for (left out of the JSON otherwise).
    public var codeLength: Int?
    public var lengthNotice: String?

    /// - Parameter url: the link's public address (the front door knows its host).
    public init(_ link: PracticeLink, url: String) {
        code = link.code.rawValue
        self.url = url
        label = link.label
        tags = link.tags.map(\.rawValue)
        status = link.status.rawValue
        primary = link.isPrimary
        createdAt = link.createdAt
        qrColors = Colors(foreground: link.qrColors.foreground, background: link.qrColors.background)
    }
}
