import SpruceCore

/// What a profile or invitation page on a phone adds when the app is configured for it: **Open in the app** (the
/// page's own universal link) and **Get the App & Connect** (a form that makes a handoff).
struct AppOffer: Sendable {
    /// The page's own link, which opens the app where it is installed.
    let universalLink: String
    /// Where **Get the App & Connect** posts: `/{code}/app` or `/i/{token}/app`.
    let handoffAction: String

    var values: [String: Any] { ["universalLink": universalLink, "handoffAction": handoffAction] }

    /// The offer for a visitor whose `User-Agent` is `userAgent`, or nil (desktop, or no app for the platform).
    static func make(
        app: AppConfiguration, userAgent: String?, universalLink: String, handoffAction: String
    ) -> AppOffer? {
        guard app.offersApp(on: DevicePlatform(userAgent: userAgent)) else { return nil }
        return AppOffer(universalLink: universalLink, handoffAction: handoffAction)
    }
}
