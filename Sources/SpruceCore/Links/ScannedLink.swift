/// What a camera or a person handed over, read as a Spruce link; the rules below, in order.
///
/// ```swift
/// let scanned = try ScannedLink.parse("  HTTPS://www.Spruce.Care/Oak-Street-Pediatrics/?utm_source=flyer \n")
/// scanned.target        // .practice(oak-street-pediatrics)
/// scanned.url()         // "https://spruce.care/oak-street-pediatrics"
/// ```
///
/// The rules, in the order they are checked (the first one broken is the error):
/// 1. The input must be at most ``maximumInputBytes`` UTF-8 bytes, counted before anything else.
/// 2. ASCII whitespace (space, tab, CR, LF, VT, FF) is trimmed at both ends, and only there.
/// 3. No control character (C0, DEL or C1) anywhere in what is left. Tabs and newlines inside are controls too:
///    browsers silently delete them, which is how `java\tscript:` slips past naive filters.
/// 4. A scheme, if present, is `http` or `https` in any case, followed by `//`. Any other scheme is refused
///    by name, including the ones without `//` (`javascript:`, `mailto:`, `data:`). `host.name:443/…` is read as
///    a host and a port, not as a scheme: a scheme has no dot in practice.
/// 5. No backslash before the query: browsers read `\` as `/` there, other parsers as part of the user info,
///    so a link whose meaning depends on the reader is refused outright.
/// 6. Without a scheme, an input holding none of `/`, `.`, `:` is a bare practice code (people type codes).
///    `//host/…` (scheme-relative) is accepted; `/code` without a host is refused.
/// 7. The authority ends at the first `/`, `?` or `#`, as in browsers. User info (`@` anywhere in it) is refused,
///    except that a `%` in an authority whose real host is foreign is reported as that foreign host
///    (`spruce.care%2f@evil` goes to `evil`).
/// 8. The host must be one of `hosts`, compared in ASCII case-insensitively, optionally prefixed with `www.`
///    and optionally ending with one dot (the same DNS name, fully qualified). Anything else is foreign:
///    non-ASCII and percent-encoded hosts (look-alikes), `xn--` punycode, IP literals, longer or shorter names.
/// 9. A port is accepted only when it is the default one for the scheme: `443` for https, `80` for http,
///    either without a scheme. It names the same origin; any other port does not.
/// 10. The path is `/<code>` or `/i/<token>` (the `i` in any case), with one optional trailing slash. Nothing
///    is percent-decoded: a code is plain ASCII, so `%` is an invalid code character. An empty path is an
///    empty code; any further segment is an extra path segment.
/// 11. The query and fragment are kept raw in ``attribution``, never interpreted, except the scan marker: a query
///    that is exactly `qr` (``ScanMarker``) makes ``isScan`` true and is stripped. Any other query (`qr=1`, `QR`,
///    `qr&qr`, `qr?qr`, `qr&utm_source=x`) is not the marker and stays raw, so it is never counted as a scan.
///
/// Error messages quote at most a short, escaped excerpt of the input (bytes outside a safe ASCII set become
/// `%XX`, so a Cyrillic look-alike shows up as `spruce.c%D0%B0re`), and never the user info or a token.
public struct ScannedLink: Equatable, Sendable {
    /// What a link leads to.
    public enum Target: Equatable, Sendable {
        /// A public practice link, `https://spruce.care/<code>`.
        case practice(LinkCode)
        /// A private invitation link, `https://spruce.care/i/<token>`.
        case invitation(InvitationToken)
    }

    /// The query and fragment of a scanned link, as received.
    public struct Attribution: Equatable, Sendable, Codable {
        /// The text after `?` and before `#`, without the `?`; `nil` when there was no `?`.
        public var query: String?
        /// The text after `#`, without the `#`; `nil` when there was no `#`.
        public var fragment: String?

        public init(query: String? = nil, fragment: String? = nil) {
            self.query = query
            self.fragment = fragment
        }
    }

    /// The hosts links are accepted from unless the caller configures others.
    public static let defaultHosts: [String] = ["spruce.care", "spruce.app"]
    /// The longest input looked at, in UTF-8 bytes (2 KiB).
    public static let maximumInputBytes = 2048

    public let target: Target
    /// The query and fragment as received, kept aside for analytics: never trusted, never reflected unescaped.
    public let attribution: Attribution
    /// Whether the link carried the scan marker of a code the service rendered (``ScanMarker``).
    public let isScan: Bool

    public init(target: Target, attribution: Attribution = Attribution(), isScan: Bool = false) {
        self.target = target
        self.attribution = attribution
        self.isScan = isScan
    }

    /// Reads `input` as a practice or invitation link, or as a bare practice code.
    /// - Parameters:
    ///   - input: the scanned or typed text.
    ///   - hosts: the hostnames (ASCII, punycode for IDN, no port) links are accepted from; case does not matter.
    /// - Returns: the link's target and its attribution.
    /// - Throws: ``ScanError`` naming the first rule the input breaks (see the type's documentation for the order).
    public static func parse(_ input: String, hosts: [String] = defaultHosts) throws(ScanError) -> ScannedLink {
        guard input.utf8.count <= maximumInputBytes else { throw .tooLong(maximumBytes: maximumInputBytes) }
        return try LinkScanner.scan(Array(input.utf8), hosts: hosts)
    }

    /// The canonical link: "https://<host>/<code>" or "https://<host>/i/<token>".
    ///
    /// The query and fragment are left out: they came from input and are never reflected.
    public func url(host: String = defaultHosts[0]) -> String {
        switch target {
        case .practice(let code): "https://\(host)/\(code.rawValue)"
        case .invitation(let token): "https://\(host)/i/\(token.rawValue)"
        }
    }
}

/// Why a scanned text is not a Spruce link. Each message names the rule; quoted excerpts are escaped and short.
public enum ScanError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The input is longer than ``ScannedLink/maximumInputBytes``.
    case tooLong(maximumBytes: Int)
    /// A control character at this byte offset of the trimmed input.
    case controlCharacter(offset: Int)
    /// A scheme other than http(s), lowercased.
    case schemeNotAllowed(String)
    /// `http:` or `https:` without `//`.
    case missingSlashes(scheme: String)
    /// A backslash before the query, at this byte offset of the trimmed input.
    case backslash(offset: Int)
    /// User info (`user@`, `user:password@`) in the authority. The user info is never echoed.
    case userInfo
    /// A link without a host (`https:///1`, `/123456`).
    case missingHost
    /// A host that is not configured, lowercased and escaped.
    case foreignHost(String)
    /// A port other than the scheme's default, escaped.
    case portNotAllowed(String)
    /// The first path segment after the code or token, escaped.
    case extraPathSegment(String)
    /// The code breaks a ``LinkCode`` rule.
    case invalidCode(LinkCodeError)
    /// The token breaks an ``InvitationToken`` rule.
    case invalidToken(InvitationTokenError)

    public var description: String {
        switch self {
        case .tooLong(let maximum): "input longer than \(maximum) bytes"
        case .controlCharacter(let offset): "control character at offset \(offset)"
        case .schemeNotAllowed(let scheme): "scheme \"\(scheme)\" is not allowed"
        case .missingSlashes(let scheme): "scheme \"\(scheme)\" must be followed by \"//\""
        case .backslash(let offset): "backslash at offset \(offset) is not allowed"
        case .userInfo: "user info is not allowed"
        case .missingHost: "host is empty"
        case .foreignHost(let host): "foreign host \"\(host)\""
        case .portNotAllowed(let port): "port \"\(port)\" is not allowed"
        case .extraPathSegment(let segment): "extra path segment \"\(segment)\""
        case .invalidCode(let error): error.description
        case .invalidToken(let error): error.description
        }
    }
}
