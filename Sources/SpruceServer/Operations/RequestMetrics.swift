import Dispatch
import HTTPTypes
import Hummingbird
import Metrics
import Synchronization

/// The per-route request metrics, defined once for both ways a request is answered: through the router
/// (``RequestMetricsMiddleware``) and from memory (``HotReads``), so that both add up in one series. The labels
/// are the ones Hummingbird's own metrics middleware used, so dashboards keep working.
final class RequestMetrics: Sendable {
    static let requestsLabel = "hb.requests"
    static let durationLabel = "http.server.request.duration"
    static let errorsLabel = "hb.request.errors"
    static let activeRequestsLabel = "http.server.active_requests"

    /// The request count and duration of one route, method and status.
    struct Series: Sendable {
        let requests: Counter
        let duration: Timer
    }

    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private let seriesByKey = Mutex<[Key: Series]>([:])
    private let errorsByKey = Mutex<[Key: Counter]>([:])
    private let activeByMethod = Mutex<[HTTPRequest.Method: Meter]>([:])

    init() {}

    /// The series of `route` (a route template) answered to `method` with `status`, made on first use.
    func series(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Series {
        let key = Key(route: route, method: method, status: status.code)
        return seriesByKey.withLock { series in
            if let found = series[key] { return found }
            let made = Series(
                requests: Counter(label: Self.requestsLabel, dimensions: Self.dimensions(key)),
                duration: Timer(
                    label: Self.durationLabel, dimensions: Self.dimensions(key), preferredDisplayUnit: .seconds))
            series[key] = made
            return made
        }
    }

    /// The error counter of `route` and `method` for errors answered with `status`.
    func errors(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status) -> Counter {
        let key = Key(route: route, method: method, status: status.code)
        return errorsByKey.withLock { errors in
            if let found = errors[key] { return found }
            let made = Counter(
                label: Self.errorsLabel,
                dimensions: [
                    ("http.route", key.route), ("http.request.method", key.method.rawValue),
                    ("error.type", String(key.status)),
                ])
            errors[key] = made
            return made
        }
    }

    /// Requests of `method` being answered right now.
    func activeRequests(_ method: HTTPRequest.Method) -> Meter {
        activeByMethod.withLock { active in
            if let found = active[method] { return found }
            let made = Meter(label: Self.activeRequestsLabel, dimensions: [("http.request.method", method.rawValue)])
            active[method] = made
            return made
        }
    }

    private static func dimensions(_ key: Key) -> [(String, String)] {
        [
            ("http.route", key.route), ("http.request.method", key.method.rawValue),
            ("http.response.status_code", String(key.status)),
        ]
    }
}

/// Counts and times every request the router answers, by route template, method and status
/// (``RequestMetrics``), once the response body has been written.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = SpruceRequestContext

    let metrics: RequestMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = DispatchTime.now().uptimeNanoseconds
        let active = metrics.activeRequests(request.method)
        active.increment()
        do {
            var response = try await next(request, context)
            let status = response.status
            let body = response.body
            let metrics = self.metrics
            let record: @Sendable () -> Void = {
                let route = context.endpointPath ?? "Unknown"
                let series = metrics.series(route: route, method: request.method, status: status)
                _ = metrics.errors(route: route, method: request.method, status: status)
                series.requests.increment()
                series.duration.recordNanoseconds(DispatchTime.now().uptimeNanoseconds - start)
                active.decrement()
            }
            response.body = ResponseBody(contentLength: body.contentLength) { writer in
                do {
                    try await body.write(writer)
                    record()
                } catch {
                    record()
                    throw error
                }
            }
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let route = context.endpointPath ?? "NotFound"
            metrics.series(route: route, method: request.method, status: status).requests.increment()
            metrics.errors(route: route, method: request.method, status: status).increment()
            active.decrement()
            throw error
        }
    }
}
