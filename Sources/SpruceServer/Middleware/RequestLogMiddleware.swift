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
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "http.method": "\(request.method.rawValue)",
                "http.route": "\(context.endpointPath ?? "unmatched")",
                "http.status": "\(response.status.code)",
                "duration_ms": "\(String(format: "%.2f", milliseconds))",
                "client": "\(context.clientAddress)",
            ])
        return response
    }
}
