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

/// A link as the CLI prints it in JSON.
struct LinkSummary: Encodable {
    let code: String
    let url: String
    let kind: String
    let label: String
    let tags: [String]
    let status: String
    let isPrimary: Bool
    let createdAt: Date

    init(_ link: PracticeLink) {
        self.code = link.code.rawValue
        self.url = LinkText.url(for: link.code)
        self.kind = link.code.kind.rawValue
        self.label = link.label
        self.tags = link.tags.map(\.rawValue)
        self.status = link.status.rawValue
        self.isPrimary = link.isPrimary
        self.createdAt = link.createdAt
    }
}
