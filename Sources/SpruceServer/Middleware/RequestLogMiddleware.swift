import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// One structured log line per request: method, the route template (never the raw path, which may hold an
/// invitation token), status, duration and client address. No query strings, cookies or bodies.
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        Self.log(
            context.logger, method: request.method, route: context.endpointPath, status: response.status,
            elapsed: ContinuousClock.now - start, client: context.clientAddress)
        return response
    }

    /// The one request line, shared with ``HotReadHandler``.
    static func log(
        _ logger: Logger,
        method: HTTPRequest.Method,
        route: String?,
        status: HTTPResponse.Status,
        elapsed: Duration,
        client: @autoclosure () -> String
    ) {
        logger.info(
            "request",
            metadata: [
                "http.method": "\(method.rawValue)",
                "http.route": "\(route ?? "unmatched")",
                "http.status": "\(status.code)",
                "duration_ms": "\(String(format: "%.2f", Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000))",
                "client": "\(client())",
            ])
    }
}
