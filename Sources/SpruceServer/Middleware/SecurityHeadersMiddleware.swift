import HTTPTypes
import Hummingbird

/// Adds the security headers to every response: a CSP without inline script (and no script at all),
/// `X-Content-Type-Options`, `Referrer-Policy` (invitation tokens live in URLs, so no referrer leaves the site),
/// framing refused, and HSTS when the site is served over https.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"

    let isSecure: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        Self.apply(to: &response.headers, isSecure: isSecure)
        return response
    }

    static func apply(to headers: inout HTTPFields, isSecure: Bool) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name.referrerPolicy] = "no-referrer"
        headers[HTTPField.Name.xFrameOptions] = "DENY"
        headers[.crossOriginResourcePolicy] = "same-origin"
        if isSecure { headers[.strictTransportSecurity] = "max-age=31536000" }
    }
}

extension HTTPField.Name {
    /// Names HTTPTypes does not define; the literals are valid tokens, so the fallback never runs.
    static let referrerPolicy = HTTPField.Name("Referrer-Policy") ?? .xContentTypeOptions
    static let xFrameOptions = HTTPField.Name("X-Frame-Options") ?? .xContentTypeOptions
    static let xCSRFToken = HTTPField.Name("X-CSRF-Token") ?? .xContentTypeOptions
    static let xRequestID = HTTPField.Name("X-Request-ID") ?? .xContentTypeOptions
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For") ?? .xContentTypeOptions
}
