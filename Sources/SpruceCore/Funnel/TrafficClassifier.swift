/// Tells people from bots, link previews and prefetches: these are counted apart as ``FunnelEvent/preview`` and
/// never in the funnel.
///
/// A request is a preview when its method is `HEAD`, when `Sec-Purpose` or `Purpose` asks for a prefetch (or a
/// prerender), or when its user agent contains one of ``previewAgents`` (ASCII case ignored).
public enum TrafficClassifier {
    /// What a request is, for the funnel.
    public enum Traffic: Equatable, Sendable {
        case person
        case preview
    }

    /// User-agent fragments of link-preview fetchers and crawlers, lowercase: the one list.
    public static let previewAgents: [String] = [
        "slackbot", "slack-imgproxy", "facebookexternalhit", "facebookcatalog", "whatsapp", "twitterbot",
        "telegrambot", "discordbot", "linkedinbot", "microsoft office", "ms-office", "msoffice",
        "microsoft outlook", "outlook-ios", "outlook-android", "safelinks", "googlebot", "google-inspectiontool",
        "bingbot", "bingpreview", "applebot", "skypeuripreview", "embedly", "pinterestbot", "redditbot",
    ]

    /// The longest user agent looked at, in bytes: longer ones are read up to here.
    public static let maximumAgentBytes = 512

    /// - Parameters:
    ///   - method: the request method, e.g. `GET`.
    ///   - purpose: the `Purpose` header, if any.
    ///   - secPurpose: the `Sec-Purpose` header, if any.
    ///   - userAgent: the `User-Agent` header, if any.
    public static func classify(method: String, purpose: String?, secPurpose: String?, userAgent: String?) -> Traffic {
        if method.utf8.elementsEqual("HEAD".utf8) { return .preview }
        if let purpose, asksToPrefetch(purpose) { return .preview }
        if let secPurpose, asksToPrefetch(secPurpose) { return .preview }
        guard let userAgent else { return .person }
        return containsPreviewAgent(userAgent) ? .preview : .person
    }

    /// Needles grouped by their first byte, and a bit per pair of first two bytes: at each position of a user agent
    /// one bit is looked at, and only the needles whose first two bytes match there are compared, so classifying
    /// costs one pass over the user agent rather than one per agent.
    private struct NeedleTable: Sendable {
        var byFirstByte = [[[UInt8]]](repeating: [], count: 256)
        var pairs = [UInt64](repeating: 0, count: 65_536 / 64)

        init(_ words: [String]) {
            for word in words {
                let bytes = Array(word.utf8)
                guard bytes.count >= 2 else { continue }
                byFirstByte[Int(bytes[0])].append(bytes)
                let pair = Int(bytes[0]) << 8 | Int(bytes[1])
                pairs[pair >> 6] |= 1 << UInt64(pair & 63)
            }
        }

        func mayStart(_ first: UInt8, _ second: UInt8) -> Bool {
            let pair = Int(first) << 8 | Int(second)
            return pairs[pair >> 6] & 1 << UInt64(pair & 63) != 0
        }
    }

    private static let previewAgentTable = NeedleTable(previewAgents)
    private static let prefetchTable = NeedleTable(["prefetch", "prerender"])

    private static func asksToPrefetch(_ header: String) -> Bool { contains(header, anyOf: prefetchTable) }

    private static func containsPreviewAgent(_ userAgent: String) -> Bool {
        contains(userAgent, anyOf: previewAgentTable)
    }

    /// Whether the first ``maximumAgentBytes`` of `text`, ASCII case ignored, contain one of the table's lowercase
    /// needles (each at least two bytes long).
    private static func contains(_ text: String, anyOf table: NeedleTable) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            let end = min(buffer.count, maximumAgentBytes)
            guard end >= 2 else { return false }
            var next = lowercased(buffer[0])
            for start in 0..<(end - 1) {
                let first = next
                next = lowercased(buffer[start + 1])
                guard table.mayStart(first, next) else { continue }
                for needle in table.byFirstByte[Int(first)] where needle.count <= end - start {
                    var offset = 1
                    while offset < needle.count, lowercased(buffer[start + offset]) == needle[offset] { offset += 1 }
                    if offset == needle.count { return true }
                }
            }
            return false
        }
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        ASCII.isUppercaseLetter(byte) ? byte + 0x20 : byte
    }
}
