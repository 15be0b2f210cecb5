import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// Finds the request's session from its cookie, and gives anonymous visitors of pages a random visitor cookie
/// that their forms' CSRF tokens are bound to. Attached to the group of browser pages only.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    /// The length of a visitor cookie: 32 random bytes in base64url.
    static let visitorCookieLength = 43

    let store: SpruceStore
    let cookies: SessionCookies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var context = context
        let cookies = request.cookies
        if let value = cookies[SessionCookies.session]?.value, let token = SessionToken(value),
            let session = try await store.session(token, timeouts: self.cookies.timeouts)
        {
            context.session = session
            context.sessionToken = token
        }
        if let visitor = cookies[SessionCookies.visitor]?.value, visitor.utf8.count == Self.visitorCookieLength {
            context.visitorCookie = visitor
        } else if context.session == nil {
            context.visitorCookie = Base64URL.random(bytes: 32)
            context.issuedVisitorCookie = true
        }
        var response = try await next(request, context)
        if context.issuedVisitorCookie, let visitor = context.visitorCookie {
            response.headers.append(HTTPField(name: .setCookie, value: self.cookies.visitorCookieHeader(visitor)))
        }
        return response
    }
}
