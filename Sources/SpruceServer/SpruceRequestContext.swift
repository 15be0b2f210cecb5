import Hummingbird
import Logging
import NIOCore
import SpruceCore
import SpruceStore

/// The request context of every route: Hummingbird's core storage, the client's address for rate limits,
/// and the session the session middleware found.
public struct SpruceRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address: the TCP peer, or what a trusted proxy says it forwarded (``ClientAddress``).
    public internal(set) var clientAddress: String
    /// The logged-in session, when the request carried a live session cookie.
    var session: Session?
    var sessionToken: SessionToken?
    /// The anonymous visitor's random cookie that CSRF tokens are bound to before login.
    var visitorCookie: String?
    /// Set when the middleware made a new visitor cookie that the response must carry.
    var issuedVisitorCookie: Bool = false
    /// The API key's organization, found by ``APIKeyMiddleware`` on the API routes that need one.
    var apiOrganization: OrganizationID?
    /// The API key's scope: its organization with the key's role.
    var apiScope: OrganizationScope?
    /// The patient's app session, found by ``AppTokenMiddleware`` on the app API's routes that need one.
    var appSession: AppSession?
    /// The form of an unsafe request, read and CSRF-checked by ``CSRFMiddleware``.
    var form = FormData(urlEncoded: "")
    /// The files of a `multipart/form-data` request, read with its form by ``CSRFMiddleware``.
    var uploads: [String: MultipartForm.Upload] = [:]

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// The identity decisions are made for.
    var identity: Identity { session?.identity ?? .anonymous }

    /// What CSRF tokens of this request are bound to: the session's secret, else the visitor cookie.
    var csrfBinding: String? { session?.csrfSecret ?? visitorCookie }
}
