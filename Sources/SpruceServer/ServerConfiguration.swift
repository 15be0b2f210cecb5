import Foundation
import SpruceCore

/// Everything `sprucelink serve` configures: where to listen, the public URL links are printed with, the secret
/// that signs values sent through browsers, and the rate caps on login and signup.
public struct ServerConfiguration: Sendable {
    /// The environment variable holding the signing secret (at least 32 bytes).
    public static let secretVariable = "SPRUCELINK_SECRET"

    public var host: String
    public var port: Int
    /// The site's public origin, e.g. `https://spruce.care`: QR codes encode links on it, and an `https` URL
    /// makes the session cookie `Secure`.
    public var publicURL: String
    /// Signs signup continuations, clinic prompts and anonymous CSRF tokens. Instances behind one load balancer
    /// must share it.
    public var signingSecret: ServerSecret
    public var limits: RateLimits
    /// Seconds between reads of the link change feed: the longest a link disabled (or a profile changed) on
    /// another instance keeps being served from this one's memory. A change made through this instance shows at
    /// once. Zero keeps no links in memory: every request reads the database.
    public var linkSyncInterval: TimeInterval
    public var sessionLifetime: TimeInterval
    /// Whether a practice link's profile JSON, logged-out page and rendered QR images are answered from memory on
    /// the connection's event loop (``HotReads``) instead of through the router. Off only to compare both ways.
    public var answersHotReadsFromMemory = true
    /// Hosts the Add Clinic form and the resolve API accept besides the public URL's host.
    public var extraHosts: [String]
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed (``ClientAddress``); empty: none, the TCP
    /// peer is the client.
    public var trustedProxies: [String] = []
    /// How request lines are laid out.
    public var requestLogFormat: RequestLog.Format = .json
    /// Where request lines go (standard error unless told otherwise).
    public var requestLogSink: any RequestLogSink = FileDescriptorSink.standardError

    public init(
        host: String = "127.0.0.1",
        port: Int = 8080,
        publicURL: String = "https://spruce.care",
        signingSecret: ServerSecret = .random(),
        limits: RateLimits = RateLimits(),
        linkSyncInterval: TimeInterval = 1,
        sessionLifetime: TimeInterval = 12 * 60 * 60,
        extraHosts: [String] = ScannedLink.defaultHosts
    ) {
        self.host = host
        self.port = port
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.signingSecret = signingSecret
        self.limits = limits
        self.linkSyncInterval = linkSyncInterval
        self.sessionLifetime = sessionLifetime
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

/// The signing secret: configured, or random for this process only.
public struct ServerSecret: Sendable {
    public let text: String
    /// Whether the secret was made up at start: continuations and prompts die with the process.
    public let isEphemeral: Bool

    /// A configured secret.
    /// - Throws: ``SigningKeyError/tooShort(minimum:)`` under 32 bytes.
    public init(configured text: String) throws(SigningKeyError) {
        guard text.utf8.count >= 32 else { throw .tooShort(minimum: 32) }
        self.text = text
        self.isEphemeral = false
    }

    private init(random text: String) {
        self.text = text
        self.isEphemeral = true
    }

    /// A random 256-bit secret for this process.
    public static func random() -> ServerSecret {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return ServerSecret(random: bytes.map { String(format: "%02x", $0) }.joined())
    }

    /// The key the store signs continuations and prompts with.
    public var signingKey: SigningKey {
        // 64 hex characters or a configured text of 32+ bytes: never too short.
        (try? SigningKey(secret: text)) ?? SigningKey.random()
    }
}

/// Fixed-window caps on login and signup, per client address and per account, kept in the database.
public struct RateLimits: Sendable {
    public var loginPerAddress: Int
    public var loginPerAccount: Int
    public var signupPerAddress: Int
    public var window: TimeInterval

    public init(loginPerAddress: Int = 30, loginPerAccount: Int = 10, signupPerAddress: Int = 10, window: TimeInterval = 15 * 60) {
        self.loginPerAddress = loginPerAddress
        self.loginPerAccount = loginPerAccount
        self.signupPerAddress = signupPerAddress
        self.window = window
    }
}
