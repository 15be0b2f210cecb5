import Foundation
import SpruceCore

/// How the CLI prints links.
enum LinkText {
    static let defaultHost = "spruce.care"

    static func url(for code: LinkCode, host: String = defaultHost) -> String {
        "https://\(host)/\(code.rawValue)"
    }

    static func render(_ link: PracticeLink) -> String {
        var parts = [url(for: link.code), link.status.rawValue]
        if link.isPrimary { parts.append("primary") }
        if !link.label.isEmpty { parts.append("\"\(link.label)\"") }
        if !link.tags.isEmpty { parts.append("tags: " + link.tags.map(\.rawValue).joined(separator: ",")) }
        return parts.joined(separator: "  ")
    }
}

extension LinkDocument {
    /// The link's JSON document with the CLI's address for it.
    init(_ link: PracticeLink) {
        self.init(link, url: LinkText.url(for: link.code))
    }
}
