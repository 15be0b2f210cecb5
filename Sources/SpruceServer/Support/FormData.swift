import Foundation

/// Fields of an `application/x-www-form-urlencoded` body or a query string. The first value of a name wins.
struct FormData: Sendable {
    private(set) var values: [String: String] = [:]

    init(urlEncoded text: Substring) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]) else { continue }
            let value = parts.count > 1 ? Self.decode(parts[1]) ?? "" : ""
            if values[name] == nil { values[name] = value }
        }
    }

    init(query: String?) { self.init(urlEncoded: Substring(query ?? "")) }

    /// The text fields of a multipart form.
    init(fields: [String: String]) { values = fields }

    subscript(_ name: String) -> String? { values[name] }

    /// The value with surrounding whitespace removed, `nil` when absent or blank.
    func text(_ name: String) -> String? {
        guard let value = values[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else {
            return nil
        }
        return value
    }

    private static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// Where a `next` parameter may send a visitor after login: only a path on this site.
enum SafeRedirect {
    /// `next` when it is a relative path on this site (`/inbox`), else `nil`: `//evil.example`,
    /// `https://evil.example`, `/\evil.example` and anything with control characters are refused.
    static func relativePath(_ next: String?) -> String? {
        guard let next, next.utf8.count <= 512, next.hasPrefix("/"), !next.hasPrefix("//") else { return nil }
        guard !next.contains("\\"), !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F })
        else { return nil }
        return next
    }
}
