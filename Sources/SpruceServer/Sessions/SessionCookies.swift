import Foundation
import Hummingbird
import SpruceCore
import SpruceStore

/// The two cookies the site sets: the session (after login) and the anonymous visitor id CSRF tokens bind to.
/// Both `HttpOnly; SameSite=Lax; Path=/`, and `Secure` when the public URL is https.
struct SessionCookies: Sendable {
    static let session = "spruce_session"
    static let visitor = "spruce_visitor"

    let secure: Bool
    let timeouts: SessionTimeouts
    /// What follows `spruce_visitor=VALUE` in the header: the same for every visitor, so written once.
    private let visitorCookieAttributes: String

    init(secure: Bool, timeouts: SessionTimeouts) {
        self.secure = secure
        self.timeouts = timeouts
        visitorCookieAttributes = "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "")
    }

    /// The session cookie, kept by the browser as long as the session's absolute lifetime.
    func sessionCookie(_ token: SessionToken, for identity: Identity) -> Cookie {
        Cookie(
            name: Self.session, value: token.rawValue, maxAge: Int(timeouts.lifetime(for: identity)), path: "/",
            secure: secure,
            httpOnly: true, sameSite: .lax)
    }

    /// The `Set-Cookie` value of the visitor cookie `value`.
    func visitorCookieHeader(_ value: String) -> String {
        Self.visitor + "=" + value + visitorCookieAttributes
    }

    /// An expired session cookie: the browser drops it.
    func clearedSession() -> Cookie {
        Cookie(name: Self.session, value: "", maxAge: 0, path: "/", secure: secure, httpOnly: true, sameSite: .lax)
    }
}
