/// The kind of device a browser runs on, read from its `User-Agent`: what decides whether a page offers the app.
public enum DevicePlatform: String, Equatable, Sendable {
    case iOS
    case android
    /// Desktop browsers, crawlers, anything unrecognised: today's browser-only pages.
    case other

    /// The platform a `User-Agent` header names. iPhone, iPod and iPad (older iPadOS) count as iOS; Android
    /// phones and tablets as Android. An iPad that asks for desktop sites says "Macintosh" and gets the desktop
    /// page, which still works.
    public init(userAgent: String?) {
        guard let userAgent, userAgent.utf8.count <= 1024 else {
            self = .other
            return
        }
        if userAgent.contains("iPhone") || userAgent.contains("iPod") || userAgent.contains("iPad") {
            self = .iOS
        } else if userAgent.contains("Android") {
            self = .android
        } else {
            self = .other
        }
    }
}
