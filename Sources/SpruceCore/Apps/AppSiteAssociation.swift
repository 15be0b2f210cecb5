import Foundation

/// The association files that let the app open the site's links: Apple's `apple-app-site-association` and
/// Android's Digital Asset Links `assetlinks.json`, made from an ``AppConfiguration``.
///
/// The app opens practice links (`/{code}`), invitations (`/i/{token}`) and handoffs (`/h/{token}`), and nothing
/// else: every reserved first segment (``ReservedWords``, which the route table is checked against) is excluded,
/// and so is every deeper path under a code (its QR images, its connect form). The exclusions are derived from the
/// word list, never restated, so a new route's segment is excluded as soon as it is reserved.
public struct AppSiteAssociation: Sendable {
    /// One `components` entry of the `applinks` section: a path pattern (`*` any characters, `?` one) and
    /// whether a match is excluded. Apple applies the first entry that matches.
    public struct Component: Equatable, Sendable {
        public let path: String
        public let exclude: Bool
        public let comment: String
    }

    /// The first segments the app opens although they are reserved (invitations and handoffs).
    public static let appSegments = ["i", "h"]

    public let configuration: AppConfiguration
    public let components: [Component]

    /// - Parameter reserved: the words that can never be link codes (``ReservedWords/all``).
    public init(configuration: AppConfiguration, reserved: Set<String> = ReservedWords.all) {
        self.configuration = configuration
        var components: [Component] = [Component(path: "/", exclude: true, comment: "the home page")]
        for segment in Self.appSegments {
            components.append(
                Component(path: "/\(segment)/*/*", exclude: true, comment: "forms and files under /\(segment)/"))
            components.append(Component(path: "/\(segment)/*", exclude: false, comment: "invitations and handoffs"))
        }
        for word in reserved.sorted() {
            components.append(Component(path: "/\(word)", exclude: true, comment: "a route of the site"))
            components.append(Component(path: "/\(word)/*", exclude: true, comment: "a route of the site"))
        }
        components.append(Component(path: "/*/*", exclude: true, comment: "QR images and forms under a link"))
        components.append(Component(path: "/*", exclude: false, comment: "practice links"))
        self.components = components
    }

    /// Whether the app would open `path` under these components (first match wins; no match: the browser).
    public func opensApp(path: String) -> Bool {
        for component in components where Self.matches(Array(component.path.utf8), Array(path.utf8)) {
            return !component.exclude
        }
        return false
    }

    /// The `apple-app-site-association` document (Apple's `applinks` format with `components`, and
    /// `webcredentials` for password autofill); nil without an iOS app.
    public func appleDocument() -> Data? {
        guard configuration.hasIOSApp else { return nil }
        let components: [[String: Any]] = components.map { component in
            var entry: [String: Any] = ["/": component.path, "comment": component.comment]
            if component.exclude { entry["exclude"] = true }
            return entry
        }
        let document: [String: Any] = [
            "applinks": ["details": [["appIDs": configuration.iOSAppIDs, "components": components]]],
            "webcredentials": ["apps": configuration.iOSAppIDs],
        ]
        return try? JSONSerialization.data(withJSONObject: document, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// The Digital Asset Links statements (`handle_all_urls` and `get_login_creds` for each package); nil without
    /// an Android app. Android filters paths in the app's manifest, not here.
    public func assetLinksDocument() -> Data? {
        guard configuration.hasAndroidApp else { return nil }
        let statements: [[String: Any]] = configuration.androidApps.map { app in
            [
                "relation": [
                    "delegate_permission/common.handle_all_urls", "delegate_permission/common.get_login_creds",
                ],
                "target": [
                    "namespace": "android_app", "package_name": app.packageName,
                    "sha256_cert_fingerprints": app.fingerprints,
                ],
            ]
        }
        return try? JSONSerialization.data(withJSONObject: statements, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Apple's pattern matching: `*` any run of characters (slashes included), `?` exactly one.
    static func matches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
        var (p, t) = (0, 0)
        var (starP, starT) = (-1, 0)
        while t < text.count {
            if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
                (starP, starT) = (p, t)
                p += 1
            } else if starP >= 0 {
                p = starP + 1
                starT += 1
                t = starT
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
