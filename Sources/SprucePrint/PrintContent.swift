import SpruceCore

/// What one link's print shows: the practice, the link's URL (encoded in the code and printed under it), the
/// headline and the link's QR colors.
///
/// ```swift
/// let content = try PrintContent(link: link, profile: organization.profile, origin: "https://spruce.care")
/// let pdf = try PrintDocument(layout: .poster, paper: .letter).render(content)
/// ```
public struct PrintContent: Sendable, Hashable {
    /// The practice's display name, as its profile has it.
    public let practiceName: String
    /// The full URL, as printed under the code.
    public let url: String
    /// The text the code encodes: ``url``, or for a practice link its URL with the scan marker (``ScanMarker``).
    public let codeText: String
    public let headline: String
    public let colors: QRColors

    /// The longest URL accepted, in bytes.
    public static let urlLimit = 2_000

    /// - Parameters:
    ///   - practiceName: shaped by Pango, any script; control characters are shown as spaces.
    ///   - url: `http://` or `https://`, printable ASCII without spaces or quotes.
    ///   - headline: `nil` for ``PrintRules/defaultHeadline``.
    /// - Throws: ``PrintError`` for an empty name, a bad URL or a headline that breaks ``PrintRules``.
    public init(
        practiceName: String, url: String, codeText: String? = nil, headline: String? = nil,
        colors: QRColors = .standard
    ) throws(PrintError) {
        let name = String(
            String.UnicodeScalarView(
                practiceName.unicodeScalars.map {
                    PrintRules.isForbidden($0) ? " " : $0
                })
        ).trimmingSpaces
        guard !name.isEmpty else { throw .nameEmpty }
        try Self.validate(url: url)
        self.practiceName = name
        self.url = url
        self.codeText = codeText ?? url
        self.headline = try PrintRules.headline(headline)
        self.colors = colors
    }

    /// The content of a practice link: `origin/code` (the code encodes it with the scan marker), the profile's
    /// name and the link's colors.
    /// - Parameter origin: where links are served, e.g. `https://spruce.care` (no trailing slash).
    public init(link: PracticeLink, profile: ClinicProfile, origin: String, headline: String? = nil)
        throws(PrintError)
    {
        try self.init(
            practiceName: profile.displayName, url: origin + "/" + link.code.rawValue,
            codeText: ScanMarker.codeText(for: .practice(link.code), origin: origin), headline: headline,
            colors: link.qrColors)
    }

    /// The URL as printed: without `https://`.
    public var displayURL: String { PrintRules.displayURL(url) }

    /// Checks a URL (or an origin) as it must be to go on paper and into the code.
    /// - Throws: ``PrintError/invalidURL(_:)`` naming the rule it breaks.
    public static func validate(url: String) throws(PrintError) {
        guard !url.isEmpty else { throw .invalidURL("is empty") }
        guard url.utf8.count <= urlLimit else { throw .invalidURL("is longer than \(urlLimit) bytes") }
        guard url.hasPrefix("https://") || url.hasPrefix("http://") else {
            throw .invalidURL("must start with https:// or http://")
        }
        let forbidden: Set<UInt8> = [
            UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "<"),
            UInt8(ascii: ">"),
        ]
        guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !forbidden.contains($0) }) else {
            throw .invalidURL("may hold only printable ASCII without spaces, quotes or angle brackets")
        }
    }
}
