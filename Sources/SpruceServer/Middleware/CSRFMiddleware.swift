import HTTPTypes
import Hummingbird

/// Refuses every unsafe request (POST, PUT, PATCH, DELETE) to a browser page whose CSRF token, from the form
/// field `csrf_token` or the `X-CSRF-Token` header, is missing or wrong. Reads the form once and hands it to the
/// handler in the context. Attached to the group of browser pages, after ``SessionMiddleware``.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    static let formLimit = 64 * 1024

    let csrf: CSRFTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard ![.get, .head, .options].contains(request.method) else {
            return try await next(request, context)
        }
        var request = request
        var form = FormData(urlEncoded: "")
        if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: Self.formLimit)
            form = FormData(urlEncoded: Substring(String(buffer: body)))
        }
        let token = form[CSRFTokens.field] ?? request.headers[.xCSRFToken]
        guard csrf.isValid(token, for: context.csrfBinding) else { throw ServerError(.csrfRejected) }
        var context = context
        context.form = form
        return try await next(request, context)
    }
}
