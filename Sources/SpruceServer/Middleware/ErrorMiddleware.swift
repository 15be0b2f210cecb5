import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns every error that reaches the router's level into a response through ``MappedError``, the one mapping of
/// domain errors to statuses: an HTML page for the site's pages, and for requests no route took, a 404 or a 405
/// with `Allow`. The API's group answers its own errors as problem+json (``ProblemMiddleware``); an unrouted
/// request under the API's path gets problem+json here too.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let pages: PageRenderer
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            var mapped = MappedError.from(error)
            var headers: HTTPFields = [:]
            // Hummingbird's router throws HTTPError(.notFound) when no route took the request; handlers never do.
            let unrouted = (error as? HTTPError)?.status == .notFound
            if unrouted {
                // No route took the request: if the path exists under other methods, it is a 405.
                let allowed = routes.allowedMethods(for: request.uri.path)
                if !allowed.isEmpty {
                    mapped = MappedError(
                        .methodNotAllowed, "method-not-allowed", "Method not allowed",
                        "\(request.method.rawValue) is not allowed here; use \(allowed.joined(separator: ", "))")
                    headers[.allow] = allowed.joined(separator: ", ")
                }
            }
            mapped.log(error, to: context.logger)
            if let retryAfter = mapped.retryAfter { headers[.retryAfter] = String(retryAfter) }
            // Only an unrouted request can get here from under the API's path: its routes answer their own errors.
            if unrouted, request.uri.path.hasPrefix(APIController.path + "/") {
                return Problem(mapped, instance: nil).response(headers: headers)
            }
            if mapped.status == .unauthorized, request.method == .get {
                let next = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
                return pages.redirect(
                    "/login?next=" + (next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/"))
            }
            return pages.messagePage(
                status: mapped.status, heading: Self.heading(for: mapped), text: Self.sentence(mapped.detail),
                link: ("/", "Back to Spruce"), context: context, headers: headers)
        }
    }

    static func heading(for mapped: MappedError) -> String {
        switch mapped.status.code {
        case 403: "Not allowed"
        case 404: "Not found"
        case 410: "No longer available"
        case 429: "Too many attempts"
        case 500...: "Something went wrong"
        default: mapped.title
        }
    }

    static func sentence(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst() + (text.hasSuffix(".") ? "" : ".")
    }
}
