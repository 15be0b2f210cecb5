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
        for header in [purpose, secPurpose] {
            if let header, containsIgnoringCase(header, "prefetch") || containsIgnoringCase(header, "prerender") {
                return .preview
            }
        }
        guard let userAgent else { return .person }
        for agent in previewAgents where containsIgnoringCase(userAgent, agent) { return .preview }
        return .person
    }

    private static func containsIgnoringCase(_ text: String, _ lowercaseNeedle: String) -> Bool {
        let haystack = Array(text.utf8.prefix(maximumAgentBytes))
        let needle = Array(lowercaseNeedle.utf8)
        guard needle.count <= haystack.count else { return false }
        var start = 0
        while start + needle.count <= haystack.count {
            var matched = true
            for offset in 0..<needle.count {
                var byte = haystack[start + offset]
                if ASCII.isUppercaseLetter(byte) { byte += 0x20 }
                if byte != needle[offset] {
                    matched = false
                    break
                }
            }
            if matched { return true }
            start += 1
        }
        return false
    }
}
