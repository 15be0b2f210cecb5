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
        /// The link view the funnel counts, if the answer is one.
        var view: CountedView?
    }

    /// A view of a link, for ``FunnelRecorder/countView(_:code:organization:isScan:traits:memo:)``.
    struct CountedView {
        let view: FunnelRecorder.View
        let code: LinkCode
        let organization: OrganizationID
        let isScan: Bool
    }

    /// A route template split into segments, with the one `{…}` segment that holds the link's code.
    private struct Template: Sendable {
        let path: String
        private let segments: [Substring]
        private let codeIndex: Int

        init(_ path: String) {
            self.path = path
            segments = path.split(separator: "/")
            codeIndex = segments.firstIndex { $0.hasPrefix("{") } ?? 0
        }

        /// The code segment of `path` (split, without the leading empty segment) when it matches the template.
        func code(in path: ArraySlice<Substring>) -> Substring? {
            guard path.count == segments.count else { return nil }
            for (index, (pattern, segment)) in zip(segments, path).enumerated() where index != codeIndex {
                guard pattern == segment else { return nil }
            }
            return path[path.startIndex + codeIndex]
        }
    }

    /// The routes answered here: the same endpoints the controllers register.
    private static let jsonRoute = Template(APIController.path + APIController.linkProfile.path)
    private static let pageRoute = Template(PublicLinksController.profilePage.path)
    private static let qrRoutes: [(QRImages.Format, Template)] = [
        (.png, Template(PublicLinksController.qrPNG.path)), (.svg, Template(PublicLinksController.qrSVG.path)),
    ]

    private struct MetricsKey: Hashable {
        let status: Int
        let route: String
    }

    private let directory: LinkDirectory
    private let profileJSON: ProfileJSON
    private let profilePages: ProfilePages
    private let csrf: CSRFTokens
    private let cookies: SessionCookies
    private let qrCache: QRImageCache
    private let linkMetrics: ServerMetrics
    private let requestLog: RequestLog?
    private let metrics: [MetricsKey: RequestMetrics.Series]
    /// Each kind of answer's fixed headers with the security headers and `Server`, made once: validating their
    /// values on every answer costs more than finding the answer.
    private let jsonHeaders: HTTPFields
    private let pageHeaders: HTTPFields
    private let commonHeaders: HTTPFields
    private let trustedProxies: Set<String>
    private let funnel: FunnelRecorder?
    /// Phones this app is offered to get their profile page rendered by the router.
    private let app: AppConfiguration

    init(
        directory: LinkDirectory,
        profileJSON: ProfileJSON,
        profilePages: ProfilePages,
        cookies: SessionCookies,
        qrCache: QRImageCache,
        linkMetrics: ServerMetrics,
        requestMetrics: RequestMetrics,
        configuration: ServerConfiguration,
        requestLog: RequestLog?,
        funnel: FunnelRecorder?
    ) {
        self.funnel = funnel
        self.directory = directory
        self.profileJSON = profileJSON
        self.profilePages = profilePages
        self.csrf = profilePages.pages.csrf
        self.cookies = cookies
        self.qrCache = qrCache
        self.linkMetrics = linkMetrics
        self.requestLog = requestLog
        self.trustedProxies = Set(configuration.trustedProxies)
        self.app = configuration.app
        var common: HTTPFields = [.server: SpruceServer.serverName]
        SecurityHeadersMiddleware.apply(to: &common, isSecure: configuration.isSecure)
        self.commonHeaders = common
        self.jsonHeaders = ProfileJSON.headers + common
        self.pageHeaders = ProfilePages.headers + common
        var metrics: [MetricsKey: RequestMetrics.Series] = [:]
        for route in [Self.jsonRoute, Self.pageRoute] + Self.qrRoutes.map(\.1) {
            for status in [HTTPResponse.Status.ok, .notModified] {
                metrics[MetricsKey(status: status.code, route: route.path)] = requestMetrics.series(
                    route: route.path, method: .get, status: status)
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
        let rest = segments.dropFirst()
        let isScan = query.map { ScanMarker.isMarker($0.utf8) } ?? false
        if query == nil || isScan, let code = Self.pageRoute.code(in: rest) {
            return page(code, request, isScan: isScan, date: date)
        }
        for (format, route) in Self.qrRoutes {
            if let code = route.code(in: rest) {
                return qrImage(code, format: format, route: route.path, query: query, request, date: date)
            }
        }
        if query == nil, let code = Self.jsonRoute.code(in: rest) {
            return jsonAnswer(code, date: date)
        }
        return nil
    }

    /// The address the log line names, as ``ClientAddressMiddleware`` finds it.
    func clientAddress(peer: String?, _ request: HTTPRequest) -> String {
        ClientAddress.resolve(
            peer: peer ?? "unknown", forwardedFor: request.headerFields[values: .xForwardedFor],
            trustedProxies: trustedProxies)
    }

    /// Counts and logs an answer the way the router's middleware does for its own; `memo` is the connection's
    /// (``FunnelRecorder/ConnectionMemo``).
    func record(
        _ answer: Answer, _ request: HTTPRequest, elapsed: Duration, client: @autoclosure () -> String,
        memo: inout FunnelRecorder.ConnectionMemo
    ) {
        if let metrics = metrics[MetricsKey(status: answer.head.status.code, route: answer.route)] {
            metrics.requests.increment()
            metrics.duration.recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        linkMetrics.resolved(outcome: "found")
        let counted = funnel.flatMap { funnel in answer.view.map { (funnel, $0) } }
        guard requestLog != nil || counted != nil else { return }
        let client = client()
        requestLog?.record(
            method: .get, route: answer.route, status: answer.head.status, elapsed: elapsed, client: client)
        if let (funnel, counted) = counted {
            funnel.countView(
                counted.view, code: counted.code, organization: counted.organization, isScan: counted.isScan,
                traits: FunnelRecorder.Traits(request, address: client), memo: &memo)
        }
    }

    // MARK: - The three reads

    private func active(_ segment: Substring) -> (PublicLinkRecord, ClinicProfile)? {
        guard let code = try? LinkCode(String(segment)), case .active(let link, let profile)? = directory.cached(code)
        else { return nil }
        return (link, profile)
    }

    private func jsonAnswer(_ segment: Substring, date: String) -> Answer? {
        guard let (link, profile) = active(segment),
            let body = try? profileJSON.body(link.code, organizationID: link.organizationID, profile: profile)
        else { return nil }
        var answer = answer(.ok, jsonHeaders, body: body, route: Self.jsonRoute.path, date: date)
        answer.view = CountedView(view: .json, code: link.code, organization: link.organizationID, isScan: false)
        return answer
    }

    private func page(_ segment: Substring, _ request: HTTPRequest, isScan: Bool, date: String) -> Answer? {
        let cookies = Cookies(from: request.headerFields[values: .cookie])
        guard cookies[SessionCookies.session] == nil, let (link, profile) = active(segment),
            !app.isConfigured || !app.offersApp(on: DevicePlatform(userAgent: request.headerFields[.userAgent]))
        else { return nil }
        var headers = pageHeaders
        let visitor: String
        if let value = cookies[SessionCookies.visitor]?.value,
            value.utf8.count == SessionMiddleware.visitorCookieLength
        {
            visitor = value
        } else {
            visitor = Base64URL.random(bytes: 32)
            headers[.setCookie] = self.cookies.visitorCookieHeader(visitor)
        }
        guard
            let body = profilePages.anonymousPage(
                link.code, organizationID: link.organizationID, profile: profile, csrf: csrf.token(for: visitor))
        else { return nil }
        var answer = answer(.ok, headers, body: body, route: Self.pageRoute.path, date: date)
        answer.view = CountedView(view: .page, code: link.code, organization: link.organizationID, isScan: isScan)
        return answer
    }

    private func qrImage(
        _ segment: Substring,
        format: QRImages.Format,
        route: String,
        query: Substring?,
        _ request: HTTPRequest,
        date: String
    ) -> Answer? {
        guard let shape = try? QRImages.Shape(format: format, query: query.map(String.init)),
            let (link, _) = active(segment), let image = qrCache.get(shape.cacheKey(link))
        else { return nil }
        let (status, headers, body) = QRImages.response(
            image, format: format, ifNoneMatch: request.headerFields[.ifNoneMatch])
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
