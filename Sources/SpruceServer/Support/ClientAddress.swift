import Foundation

/// The address rate limits and request logs count a request under: the TCP peer, or, when the peer is one of
/// the configured trusted proxies, the rightmost `X-Forwarded-For` address that is not itself a trusted proxy.
///
/// Only the entries the trusted proxies appended are believed; anything to their left came from the client and
/// could be forged. A malformed entry makes the header worthless and the peer is used.
enum ClientAddress {
    static func resolve(peer: String, forwardedFor: [String], trustedProxies: Set<String>) -> String {
        guard trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard isIPAddress(hop) else { return peer }
            if !trustedProxies.contains(hop) { return hop }
        }
        return peer
    }

    /// Whether `text` looks like an IPv4 or IPv6 address (digits, hex letters, dots and colons, at most 45).
    static func isIPAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45
            && text.unicodeScalars.allSatisfy { $0.properties.isASCIIHexDigit || $0 == "." || $0 == ":" }
            && text.contains(where: { $0 == "." || $0 == ":" })
    }
}
