import HTTPTypes
import Hummingbird
import NIOCore

/// Refuses every unsafe request (POST, PUT, PATCH, DELETE) to a browser page whose CSRF token, from the form
/// field `csrf_token` or the `X-CSRF-Token` header, is missing or wrong. Reads the form once and hands it to the
/// handler in the context. Attached to the group of browser pages, after ``SessionMiddleware``.
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    static let formLimit = 64 * 1024
    /// The largest `multipart/form-data` body (a CSV of patients); past it the request gets a 413 page.
    static let uploadLimit = 2 * 1024 * 1024

    let csrf: CSRFTokens

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard ![.get, .head, .options].contains(request.method) else {
            return try await next(request, context)
        }
        var request = request
        var form = FormData(urlEncoded: "")
        var uploads: [String: MultipartForm.Upload] = [:]
        let contentType = request.headers[.contentType] ?? ""
        if contentType.lowercased().hasPrefix("application/x-www-form-urlencoded") {
            let body = try await Self.collect(&request, upTo: Self.formLimit, what: "the form")
            form = FormData(urlEncoded: Substring(String(buffer: body)))
        } else if let boundary = MultipartForm.boundary(of: contentType) {
            let body = try await Self.collect(&request, upTo: Self.uploadLimit, what: "the upload")
            let multipart = try MultipartForm(body: body, boundary: boundary)
            form = multipart.form
            uploads = multipart.uploads
        }
        let token = form[CSRFTokens.field] ?? request.headers[.xCSRFToken]
        guard csrf.isValid(token, for: context.csrfBinding) else { throw ServerError(.csrfRejected) }
        var context = context
        context.form = form
        context.uploads = uploads
        return try await next(request, context)
    }

    /// The whole body, or a 413 naming the limit.
    static func collect(_ request: inout Request, upTo limit: Int, what: String) async throws -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: limit)
        } catch is NIOTooManyBytesError {
            let size = limit >= 1024 * 1024 ? "\(limit / 1024 / 1024) MB" : "\(limit / 1024) KB"
            throw ServerError(.tooLarge("\(what) is larger than \(size); send a smaller one"))
        }
    }
}
