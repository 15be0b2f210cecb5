import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import NIOHTTP1
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
    /// One answer: the whole response as it goes on the wire, its status, and the route template it stands for.
    struct Answer {
        var bytes: ByteBuffer
        let status: HTTPResponse.Status
        let route: String
        /// The link view the funnel counts, if the answer is one.
        var view: CountedView?
    }

    /// A view of a link, for ``FunnelRecorder/countView(_:code:organization:isScan:method:fields:address:memo:)``.
    struct CountedView {
        let view: FunnelRecorder.View
        let code: LinkCode
        let organization: OrganizationID
        let isScan: Bool
    }

    /// A route template with one `{…}` segment that holds the link's code: the text before it and after it.
    private struct Template: Sendable {
        let path: String
        private let prefix: String
        private let suffix: String

        init(_ path: String) {
            self.path = path
            let open = path.firstIndex(of: "{") ?? path.endIndex
            let close = path[open...].firstIndex(of: "}").map(path.index(after:)) ?? path.endIndex
            prefix = String(path[..<open])
            suffix = String(path[close...])
        }

        /// The code segment of `path` when it matches the template: the text between the template's prefix and
        /// suffix, one whole segment (no `/` in it).
        func code(in path: Substring) -> Substring? {
            let bytes = path.utf8
            guard bytes.count > prefix.utf8.count + suffix.utf8.count, bytes.starts(with: prefix.utf8),
                bytes.suffix(suffix.utf8.count).elementsEqual(suffix.utf8)
            else { return nil }
            let start = bytes.index(bytes.startIndex, offsetBy: prefix.utf8.count)
            let end = bytes.index(bytes.endIndex, offsetBy: -suffix.utf8.count)
            guard !bytes[start..<end].contains(UInt8(ascii: "/")) else { return nil }
            return path[start..<end]
        }
    }

    /// The routes answered here: the same endpoints the controllers register.
    private static let jsonRoute = Template(APIController.path + APIController.linkProfile.path)
    private static let pageRoute = Template(PublicLinksController.profilePage.path)
    private static let qrRoutes: [(QRImages.Format, Template)] = [
        (.png, Template(PublicLinksController.qrPNG.path)), (.svg, Template(PublicLinksController.qrSVG.path)),
    ]

    /// A route's and status's request metrics. A handful, looked through in order: hashing the route's text in a
    /// dictionary cost more than the look-up saved.
    private struct RouteMetrics: Sendable {
        let status: Int
        let route: String
        let series: RequestMetrics.Series
    }

    private let directory: LinkDirectory
    private let profileJSON: ProfileJSON
    private let profilePages: ProfilePages
    private let csrf: CSRFTokens
    private let cookies: SessionCookies
    private let qrCache: QRImageCache
    private let linkMetrics: ServerMetrics
    private let requestLog: RequestLog?
    private let metrics: [RouteMetrics]
    /// Each kind of answer's head, serialized once in the order the router's middleware sends its fields: the
    /// route's own fields, `Content-Length`, the page's `Set-Cookie`, the security headers, `Date` and `Server`.
    private let jsonHead: WireHead
    private let pageHead: WireHead
    private let qrHeads: [QRImages.Format: (ok: WireHead, notModified: WireHead)]
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
        var security = HTTPFields()
        SecurityHeadersMiddleware.apply(to: &security, isSecure: configuration.isSecure)
        let trailer: HTTPFields = security + [.date: "", .server: SpruceServer.serverName]
        let slots: [WireHead.Slot] = [.contentLength, .date, .setCookie, .eTag]
        self.jsonHead = WireHead(
            status: .ok, fields: ProfileJSON.headers + [.contentLength: ""] + trailer, slots: slots)
        self.pageHead = WireHead(
            status: .ok, fields: ProfilePages.headers + [.contentLength: "", .setCookie: ""] + trailer, slots: slots)
        var qrHeads: [QRImages.Format: (ok: WireHead, notModified: WireHead)] = [:]
        let sample = QRImageCache.Image(etag: "\"\"", body: ByteBuffer())
        for format in [QRImages.Format.png, .svg] {
            let ok = QRImages.response(sample, format: format, ifNoneMatch: nil)
            // A 304 has no body and NIO's encoder sends it without `Content-Length`.
            let notModified = QRImages.response(sample, format: format, ifNoneMatch: sample.etag)
            qrHeads[format] = (
                WireHead(status: ok.status, fields: ok.headers + [.contentLength: ""] + trailer, slots: slots),
                WireHead(status: notModified.status, fields: notModified.headers + trailer, slots: slots)
            )
        }
        self.qrHeads = qrHeads
        var metrics: [RouteMetrics] = []
        for route in [Self.jsonRoute, Self.pageRoute] + Self.qrRoutes.map(\.1) {
            for status in [HTTPResponse.Status.ok, .notModified] {
                metrics.append(
                    RouteMetrics(
                        status: status.code, route: route.path,
                        series: requestMetrics.series(route: route.path, method: .get, status: status)))
            }
        }
        self.metrics = metrics
    }

    /// The answer to `request` from memory, or nil to hand it to the router: only a keep-alive HTTP/1.1 `GET`
    /// of a path with one `Host` field comes here; anything else (`Connection: close`, HTTP/1.0, `HEAD`, an
    /// absolute URI) the router answers by the book.
    /// - Parameter date: the `Date` header's value (``HTTPDate``).
    func answer(_ request: HTTPRequestHead, date: String) -> Answer? {
        guard request.method == .GET, request.version == .http1_1, request.uri.utf8.count <= 256,
            request.uri.utf8.first == UInt8(ascii: "/"), request.isKeepAlive, Self.hasOneHost(request.headers)
        else { return nil }
        // Matched by bytes: the URI is ASCII here. Splitting it into segments cost an array per request.
        let target = request.uri
        let path: Substring
        let query: Substring?
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) {
            (path, query) = (target[..<mark], target[target.utf8.index(after: mark)...])
        } else {
            (path, query) = (Substring(target), nil)
        }
        let isScan = query.map { ScanMarker.isMarker($0.utf8) } ?? false
        if query == nil || isScan, let code = Self.pageRoute.code(in: path) {
            return page(code, request.headers, isScan: isScan, date: date)
        }
        for (format, route) in Self.qrRoutes {
            if let code = route.code(in: path) {
                return qrImage(code, format: format, route: route.path, query: query, request.headers, date: date)
            }
        }
        if query == nil, let code = Self.jsonRoute.code(in: path) {
            return jsonAnswer(code, date: date)
        }
        return nil
    }

    /// The router reads the authority from the one `Host` field; without it, or with two, it decides.
    private static func hasOneHost(_ headers: HTTPHeaders) -> Bool {
        var count = 0
        for (name, _) in headers where name.utf8.count == 4 && name.lowercased() == "host" { count += 1 }
        return count == 1
    }

    /// The address the log line names, as ``ClientAddressMiddleware`` finds it.
    func clientAddress(peer: String?, _ request: HTTPRequestHead) -> String {
        ClientAddress.resolve(
            peer: peer ?? "unknown", forwardedFor: request.headers["X-Forwarded-For"],
            trustedProxies: trustedProxies)
    }

    /// Counts and logs an answer the way the router's middleware does for its own; `memo` is the connection's
    /// (``FunnelRecorder/ConnectionMemo``).
    func record(
        _ answer: Answer, _ request: HTTPRequestHead, elapsed: Duration, client: @autoclosure () -> String,
        memo: inout FunnelRecorder.ConnectionMemo
    ) {
        if let metrics = metrics.first(where: { $0.status == answer.status.code && $0.route == answer.route })?.series {
            metrics.requests.increment()
            metrics.duration.recordNanoseconds(
                elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
        }
        linkMetrics.resolvedFound()
        let counted = funnel.flatMap { funnel in answer.view.map { (funnel, $0) } }
        guard requestLog != nil || counted != nil else { return }
        let client = client()
        requestLog?.record(
            method: .get, route: answer.route, status: answer.status, elapsed: elapsed, client: client)
        if let (funnel, counted) = counted {
            funnel.countView(
                counted.view, code: counted.code, organization: counted.organization, isScan: counted.isScan,
                method: request.method.rawValue, fields: request.headers, address: client, memo: &memo)
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
            let parts = try? profileJSON.parts(link.code, organizationID: link.organizationID, profile: profile)
        else { return nil }
        // The body is written right after the head, into the one buffer: no body of its own to copy.
        var bytes = ByteBuffer()
        bytes.reserveCapacity(jsonHead.fixedSize + parts.length)
        jsonHead.write(.init(contentLength: parts.length, date: date), into: &bytes)
        parts.write(into: &bytes)
        var answer = Answer(bytes: bytes, status: .ok, route: Self.jsonRoute.path)
        answer.view = CountedView(view: .json, code: link.code, organization: link.organizationID, isScan: false)
        return answer
    }

    private func page(_ segment: Substring, _ headers: HTTPHeaders, isScan: Bool, date: String) -> Answer? {
        let cookies = Cookies(from: headers["Cookie"])
        guard cookies[SessionCookies.session] == nil, let (link, profile) = active(segment),
            !app.isConfigured || !app.offersApp(on: DevicePlatform(userAgent: Self.joined(headers["User-Agent"])))
        else { return nil }
        let visitor: String
        var setCookie: String?
        if let value = cookies[SessionCookies.visitor]?.value,
            value.utf8.count == SessionMiddleware.visitorCookieLength
        {
            visitor = value
        } else {
            visitor = Base64URL.random(bytes: 32)
            setCookie = self.cookies.visitorCookieHeader(visitor)
        }
        guard
            let body = profilePages.anonymousPage(
                link.code, organizationID: link.organizationID, profile: profile, csrf: csrf.token(for: visitor))
        else { return nil }
        let values = WireHead.Values(contentLength: body.readableBytes, date: date, setCookie: setCookie)
        var answer = answer(.ok, pageHead, values, body: body, route: Self.pageRoute.path)
        answer.view = CountedView(view: .page, code: link.code, organization: link.organizationID, isScan: isScan)
        return answer
    }

    private func qrImage(
        _ segment: Substring,
        format: QRImages.Format,
        route: String,
        query: Substring?,
        _ headers: HTTPHeaders,
        date: String
    ) -> Answer? {
        guard let shape = try? QRImages.Shape(format: format, query: query.map(String.init)),
            let (link, _) = active(segment), let image = qrCache.get(shape.cacheKey(link)),
            let heads = qrHeads[format]
        else { return nil }
        var values = WireHead.Values(contentLength: image.body.readableBytes, date: date, eTag: image.etag)
        guard QRImages.isFresh(image, ifNoneMatch: Self.joined(headers["If-None-Match"])) else {
            return answer(.ok, heads.ok, values, body: image.body, route: route)
        }
        values.contentLength = 0
        return answer(.notModified, heads.notModified, values, body: nil, route: route)
    }

    /// A repeated field's values joined with ", ", as `HTTPFields` gives them to the router.
    private static func joined(_ values: [String]) -> String? {
        values.count <= 1 ? values.first : values.joined(separator: ", ")
    }

    private func answer(
        _ status: HTTPResponse.Status,
        _ head: WireHead,
        _ values: WireHead.Values,
        body: ByteBuffer?,
        route: String
    ) -> Answer {
        var bytes = ByteBuffer()
        bytes.reserveCapacity(head.fixedSize + (values.setCookie?.utf8.count ?? 0) + (body?.readableBytes ?? 0))
        head.write(values, into: &bytes)
        if let body { bytes.writeImmutableBuffer(body) }
        return Answer(bytes: bytes, status: status, route: route)
    }
}
