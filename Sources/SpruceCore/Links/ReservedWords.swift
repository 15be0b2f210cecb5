/// Words that can never be link codes: every first path segment the HTTP service uses, and well-known files.
///
/// This is the one list. The server's routes are checked against it by a test, so a new route
/// whose first segment is missing here fails the build's tests rather than shadowing a practice's link.
public enum ReservedWords {
    /// First path segments of the HTTP service.
    public static let routeSegments: Set<String> = [
        ".well-known", "about", "account", "add-clinic", "admin", "api", "app", "auth", "care", "clinics", "connect",
        "contacts", "conversations", "docs", "h", "help", "i", "inbox", "invite", "invitations", "join", "login",
        "logout", "messages", "metrics", "healthz", "password", "practices", "privacy", "qr", "settings", "signup",
        "static", "support", "terms", "workspace", "www",
    ]

    /// Files and folders that crawlers, browsers and app platforms request at the root.
    public static let wellKnownFiles: Set<String> = [
        "apple-app-site-association", "assetlinks.json", "favicon.ico", "humans.txt",
        "robots.txt", "security.txt", "sitemap.xml", "ads.txt", "browserconfig.xml", "manifest.json",
    ]

    public static let all: Set<String> = routeSegments.union(wellKnownFiles)

    /// Whether `word` (any case) is reserved.
    public static func contains(_ word: String) -> Bool {
        all.contains(word.lowercased())
    }
}
