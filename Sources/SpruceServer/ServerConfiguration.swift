import Foundation
import SpruceCore
import SpruceStore

/// Everything `sprucelink serve` configures: where to listen, the public URL links are printed with, the limits on
/// connections, and the metrics listener. Rate limits are the store's (``Throttles`` in its settings).
///
/// The key that signs values sent through browsers is not here: it has one owner, the store's
/// ``StoreSettings/signingKey``, which the server reads (CSRF tokens use a key derived from it).
public struct ServerConfiguration: Sendable {
    /// The environment variable `sprucelink serve` reads the signing secret from (at least 32 bytes).
    public static let secretVariable = "SPRUCELINK_SECRET"

    public var host: String
    public var port: Int
    /// The site's public origin, e.g. `https://spruce.care`: QR codes encode links on it, and an `https` URL
    /// makes the session cookie `Secure`.
    public var publicURL: String
    /// Seconds between reads of the link change feed: the longest a link disabled (or a profile changed) on
    /// another instance keeps being served from this one's memory. A change made through this instance shows at
    /// once. Zero keeps no links in memory: every request reads the database.
    public var linkSyncInterval: TimeInterval
    /// Sessions' idle timeouts and lifetimes, for members and for patients.
    public var sessionTimeouts = SessionTimeouts()
    /// Whether a practice link's profile JSON, logged-out page and rendered QR images are answered from memory on
    /// the connection's event loop (``HotReads``) instead of through the router. Off only to compare both ways.
    public var answersHotReadsFromMemory = true
    /// Hosts the Add Clinic form and the resolve API accept besides the public URL's host.
    public var extraHosts: [String]
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (``ClientAddress``); empty: none, the TCP
    /// peer is the client.
    public var trustedProxies: [String] = []
    /// How the funnel is counted; `nil` counts nothing (`serve --no-analytics`).
    public var funnel: FunnelSettings? = FunnelSettings()
    /// Idle timeout, request deadlines and the cap on open connections.
    public var connectionLimits = ConnectionLimits()
    /// The separate listener of `/metrics`; `nil` serves no metrics at all.
    public var metrics: MetricsListener? = MetricsListener()
    /// How request lines are laid out.
    public var requestLogFormat: RequestLog.Format = .json
    /// The app visitors on phones are offered, and the association files that let it open links; none by default.
    public var app: AppConfiguration = .none
    /// Where request lines go (standard error unless told otherwise).
    public var requestLogSink: any RequestLogSink = FileDescriptorSink.standardError
    /// Where the workspace's invitations go: the outbox folder (a Maildir and texts.jsonl), as `sprucelink invite`.
    public var outboxDirectory = "./outbox"
    /// The sender of invitation emails, "Name <address>".
    public var mailFrom = "Spruce <invitations@spruce.care>"
    /// A sendmail-compatible command that emails go through instead of the outbox; `nil` keeps them in the outbox.
    public var sendmailCommand: String?

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String = "https://spruce.care",
        linkSyncInterval: TimeInterval = 1,
        extraHosts: [String] = ScannedLink.defaultHosts
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.linkSyncInterval = linkSyncInterval
        self.extraHosts = extraHosts
    }

    /// Whether `text` can be a trusted proxy's address: an IPv4 or IPv6 address as the peer's address is written.
    public static func isProxyAddress(_ text: String) -> Bool { ClientAddress.isIPAddress(text) }

    /// Whether cookies get `Secure`: only when the public URL is https.
    public var isSecure: Bool { publicURL.lowercased().hasPrefix("https://") }

    /// The public URL's host, lowercased, without port.
    public var publicHost: String {
        var rest = Substring(publicURL.lowercased())
        if let range = rest.range(of: "://") { rest = rest[range.upperBound...] }
        let hostAndPort = rest.prefix { $0 != "/" }
        return String(hostAndPort.prefix { $0 != ":" })
    }

    /// The hosts scanned links may carry.
    public var acceptedHosts: [String] {
        var hosts = [publicHost]
        for host in extraHosts where !hosts.contains(host) { hosts.append(host) }
        return hosts
    }
}
