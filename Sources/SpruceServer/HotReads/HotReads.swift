import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import SpruceCore
import SpruceStore

/// The service's hottest public reads, answered from memory on the connection's event loop when memory holds all
/// they need: a practice link's profile JSON, its logged-out profile page, and its already rendered QR images.
///
/// Handing a request to the router costs two thread hops and the middleware chain, several times the cost of
/// these answers; the benchmark's random-code reads are what a printed flyer campaign looks like. Everything here
/// reuses what the routes use (the link directory, the organization's encoded profile and page skeleton, the QR
/// image cache, the security headers, the request log line and the route metrics), and anything else (a miss, a
/// session cookie, a query string on a page, an unusual path) returns nil and goes to the router, which gives
/// the same answer the slow way. A test compares both ways byte for byte.
struct HotReads: Sendable {
    /// One answer: the response head and body, and the route template it stands for.
    struct Answer {
        var head: HTTPResponse
        var body: ByteBuffer?
        let route: String
    }

    private struct RouteMetrics: Sendable {
        let requests: Counter
        let duration: Timer

        /// The labels of Hummingbird's `MetricsMiddleware`, so that both ways add up in one series.
        init(route: String, status: HTTPResponse.Status) {
            let dimensions = [
                ("http.route", route), ("http.request.method", "GET"),
                ("http.response.status_code", status.code.description),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions)
            duration = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
        }
    }

    /// The fixed headers of a profile JSON answer and of a logged-out page, whichever way they are answered.
    static let jsonHeaders: HTTPFields = [.contentType: "application/json", .cacheControl: "public, max-age=5"]
    static let pageHeaders: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
    static let jsonRoute = "/api/v1/links/{code}"
    static let pageRoute = "/{code}"
    static let qrRoutes: [QRImages.Format: String] = [.png: "/{code}/qr.png", .svg: "/{code}/qr.svg"]

    private let site: Site
    private struct MetricsKey: Hashable {
        let status: Int
        let route: String
    }

    private let metrics: [MetricsKey: RouteMetrics]
    /// Each kind of answer's fixed headers with the security headers and `Server`, made once: validating their
    /// values on every answer costs more than finding the answer.
    private let jsonHeaders: HTTPFields
    private let pageHeaders: HTTPFields
    private let commonHeaders: HTTPFields
    private let trustedProxies: Set<String>

    init(site: Site) {
        self.site = site
        self.trustedProxies = Set(site.configuration.trustedProxies)
        var common: HTTPFields = [.server: SpruceServer.serverName]
        SecurityHeadersMiddleware.apply(to: &common, isSecure: site.configuration.isSecure)
        self.commonHeaders = common
        self.jsonHeaders = Self.jsonHeaders + common
        self.pageHeaders = Self.pageHeaders + common
        var metrics: [MetricsKey: RouteMetrics] = [:]
        for route in [Self.jsonRoute, Self.pageRoute] + Self.qrRoutes.values {
            for status in [HTTPResponse.Status.ok, .notModified] {
                metrics[MetricsKey(status: status.code, route: route)] = RouteMetrics(route: route, status: status)
            }
        }
        self.metrics = metrics
    }

    /// The answer to `request` from memory, or nil to hand it to the router.
    /// - Parameter date: the `Date` header's value (``HTTPDate``).
    func answer(_ request: HTTPRequest, date: String) -> Answer? {
        guard request.method == .get, let target = request.path, target.utf8.count <= 256,
            request.headerFields[.connection].map({ !$0.lowercased().contains("close") }) ?? true
        else { return nil }
        let path: Substring
        let query: Substring?
        if let mark = target.firstIndex(of: "?") {
            (path, query) = (target[..<mark], target[target.index(after: mark)...])
        } else {
            (path, query) = (Substring(target), nil)
        }
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count >= 2, segments[0].isEmpty else { return nil }
        switch segments.count {
        case 2 where query == nil:
            return page(segments[1], request, date: date)
        case 3:
            guard segments[2].hasPrefix("qr."), let format = QRImages.Format(rawValue: String(segments[2].dropFirst(3)))
            else { return nil }
            return qrImage(segments[1], format: format, query: query, request, date: date)
        case 5 where query == nil && segments[1] == "api" && segments[2] == "v1" && segments[3] == "links":
            return profileJSON(segments[4], date: date)
        default:
            return nil
        }
    }

    /// The address the log line names, as ``ClientAddressMiddleware`` finds it.
    func clientAddress(peer: String?, _ request: HTTPRequest) -> String {
        ClientAddress.resolve(
            peer: peer ?? "unknown", forwardedFor: request.headerFields[values: .xForwardedFor],
            trustedProxies: trustedProxies)
    }

    /// Counts and logs an answer the way the router's middleware does for its own.
    func record(_ answer: Answer, elapsed: Duration, client: @autoclosure () -> String) {
        if let metrics = metrics[MetricsKey(status: answer.head.status.code, route: answer.route)] {
            metrics.requests.increment()
            metrics.duration.recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        site.metrics.resolved(outcome: "found")
        site.requestLog?.record(
            method: .get, route: answer.route, status: answer.head.status, elapsed: elapsed, client: client())
    }

    // MARK: - The three reads

    private func active(_ segment: Substring) -> (PublicLinkRecord, ClinicProfile)? {
        guard let code = try? LinkCode(String(segment)), case .active(let link, let profile)? = site.directory.cached(code)
        else { return nil }
        return (link, profile)
    }

    private func profileJSON(_ segment: Substring, date: String) -> Answer? {
        guard let (link, profile) = active(segment),
            let profileJSON = try? site.profileJSON.value(for: link.organizationID, profile, make: { try site.encodeJSON($0) })
        else { return nil }
        let code = link.code
        return answer(
            .ok, jsonHeaders, body: site.resolvedLinkJSON(code: code, profileJSON: profileJSON), route: Self.jsonRoute,
            date: date)
    }

    private func page(_ segment: Substring, _ request: HTTPRequest, date: String) -> Answer? {
        let cookies = Cookies(from: request.headerFields[values: .cookie])
        guard cookies[SessionCookies.session] == nil, let (link, profile) = active(segment) else { return nil }
        var headers = pageHeaders
        let visitor: String
        if let value = cookies[SessionCookies.visitor]?.value, value.utf8.count == SessionMiddleware.visitorCookieLength {
            visitor = value
        } else {
            visitor = Base64URL.random(bytes: 32)
            headers[.setCookie] = site.cookies.visitorCookieHeader(visitor)
        }
        guard let body = site.anonymousProfilePage(
            link.code, organizationID: link.organizationID, profile: profile, csrf: site.csrf.token(for: visitor))
        else { return nil }
        return answer(.ok, headers, body: body, route: Self.pageRoute, date: date)
    }

    private func qrImage(
        _ segment: Substring,
        format: QRImages.Format,
        query: Substring?,
        _ request: HTTPRequest,
        date: String
    ) -> Answer? {
        guard let shape = try? QRImages.Shape(format: format, query: query.map(String.init)),
            let (link, _) = active(segment), let image = site.qrCache.get(shape.cacheKey(link)),
            let route = Self.qrRoutes[format]
        else { return nil }
        let (status, headers, body) = QRImages.response(image, format: format, ifNoneMatch: request.headerFields[.ifNoneMatch])
        return answer(status, headers + commonHeaders, body: body, route: route, date: date)
    }

    private func answer(
        _ status: HTTPResponse.Status,
        _ headers: HTTPFields,
        body: ByteBuffer?,
        route: String,
        date: String
    ) -> Answer {
        var fields = headers
        fields.append(HTTPField(name: .contentLength, value: String(body?.readableBytes ?? 0)))
        fields.append(HTTPField(name: .date, value: date))
        return Answer(head: HTTPResponse(status: status, headerFields: fields), body: body, route: route)
    }
}
