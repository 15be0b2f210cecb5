import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import Mustache
import NIOCore
import SpruceCore
import SpruceQR
import SpruceStore

/// What every handler shares: the store, the templates, the configuration, the caches and the metrics.
///
/// The site decides nothing itself: who may do what and what a link leads to come from `SpruceCore` and
/// `SpruceStore`; the site turns their answers into pages, redirects and JSON.
struct Site: Sendable {
    let store: SpruceStore
    let configuration: ServerConfiguration
    let templates: MustacheLibrary
    let csrf: CSRFTokens
    let cookies: SessionCookies
    /// Every link's public face in memory, kept current by the store's change feed.
    let directory: LinkDirectory
    let qrCache: QRImageCache
    /// Each organization's profile as JSON, the middle of every `GET /api/v1/links/{code}` body.
    let profileJSON: ProfileMemo<ByteBuffer>
    /// Each organization's profile page for logged-out visitors, with slots for the code and the CSRF token;
    /// nil when the page cannot be split (a profile stored before control characters were refused).
    let profilePages: ProfileMemo<Skeleton?>
    /// `"https://spruce.care/` as a JSON string without its closing quote: the start of every link URL in JSON.
    let linkURLJSONPrefix: ByteBuffer
    let metrics: ServerMetrics
    let openAPIDocument: ByteBuffer
    let stylesheet: ByteBuffer
    let logger: Logger
    /// The request lines, written off the event loops; `nil` when the log level leaves out `info`.
    var requestLog: RequestLog?

    /// The public URL of a practice link, as QR codes encode it.
    func linkURL(_ code: LinkCode) -> String { configuration.publicURL + "/" + code.rawValue }

    // MARK: - Resolving, through the link directory

    func resolve(_ code: LinkCode) async throws -> PublicResolution {
        let resolution = try await directory.resolve(code)
        metrics.resolved(outcome: resolution.outcome)
        return resolution
    }

    /// `{"code":…,"profile":…,"url":…}` as the API's encoder writes ``API/ResolvedLink`` (sorted keys, unescaped
    /// slashes), put together from the organization's encoded profile. Codes are lowercase letters, digits and
    /// hyphens, which JSON strings hold as they are.
    func resolvedLinkJSON(code: LinkCode, profileJSON: ByteBuffer) -> ByteBuffer {
        var body = ByteBuffer()
        body.reserveCapacity(profileJSON.readableBytes + linkURLJSONPrefix.readableBytes + 2 * code.rawValue.utf8.count + 32)
        body.writeStaticString("{\"code\":\"")
        body.writeString(code.rawValue)
        body.writeStaticString("\",\"profile\":")
        body.writeImmutableBuffer(profileJSON)
        body.writeStaticString(",\"url\":")
        body.writeImmutableBuffer(linkURLJSONPrefix)
        body.writeString(code.rawValue)
        body.writeStaticString("\"}")
        return body
    }

    // MARK: - Pages

    /// The values every page's header needs: title, the logged-in user and the CSRF token of the logout form.
    func pageValues(_ title: String, context: SpruceRequestContext, visitor: Visitor? = nil) -> [String: Any] {
        pageValues(title, csrf: csrfToken(context), visitor: visitor)
    }

    func pageValues(_ title: String, csrf: String, visitor: Visitor?) -> [String: Any] {
        var values: [String: Any] = ["title": title, "csrf": csrf]
        switch visitor {
        case .member(let member):
            values["user"] = ["name": member.name, "isMember": true, "csrf": csrf] as [String: Any]
        case .patient(let patient):
            values["user"] = ["name": patient.name, "isPatient": true, "csrf": csrf] as [String: Any]
        case .anonymous, nil:
            break
        }
        return values
    }

    func csrfToken(_ context: SpruceRequestContext) -> String {
        csrf.token(for: context.csrfBinding ?? "")
    }

    /// An HTML response from finished bytes.
    func htmlResponse(_ html: ByteBuffer, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: HotReads.pageHeaders, body: .init(byteBuffer: html))
    }

    /// Renders a template into an HTML response.
    func page(
        _ template: String,
        _ values: [String: Any],
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        let html = render(template, values)
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        if fields[.cacheControl] == nil { fields[.cacheControl] = "no-store" }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A template's text with `values`.
    func render(_ template: String, _ values: [String: Any]) -> String {
        templates.render(values, withTemplate: template) ?? "<!doctype html><title>Spruce</title><p>Page unavailable.</p>"
    }

    /// A page with a heading, a sentence and an optional link: notices, 404, 410, 403, 429.
    func messagePage(
        status: HTTPResponse.Status,
        heading: String,
        text: String,
        link: (href: String, text: String)? = nil,
        context: SpruceRequestContext,
        visitor: Visitor? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        var values = pageValues(heading, context: context, visitor: visitor)
        values["heading"] = heading
        values["text"] = text
        if let link {
            values["linkHref"] = link.href
            values["linkText"] = link.text
        }
        return page("message", values, status: status, headers: headers)
    }

    /// A 303 See Other to a path on this site.
    func redirect(_ path: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = path
        fields[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: fields)
    }

    /// The visitor the request's session stands for, looked up in the store.
    func visitor(_ context: SpruceRequestContext) async throws -> Visitor {
        guard let session = context.session else { return .anonymous }
        return try await store.visitor(for: session.identity)
    }

    /// A value encoded with the API's settings: sorted keys, unescaped slashes, ISO 8601 dates.
    func encodeJSON(_ value: some Encodable) throws -> ByteBuffer {
        ByteBuffer(bytes: try JSONEncoder.api.encode(value))
    }

    /// JSON with the API's encoder settings.
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response {
        var fields = headers
        fields[.contentType] = "application/json"
        if fields[.cacheControl] == nil { fields[.cacheControl] = "no-store" }
        return Response(status: status, headers: fields, body: .init(byteBuffer: try encodeJSON(value)))
    }
}

extension JSONEncoder {
    /// The API's encoder: sorted keys, unescaped slashes, ISO 8601 dates.
    static var api: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }
}

/// Counters of what the service did, in Prometheus by way of swift-metrics. Made once: looking a counter up in
/// the factory on every request costs more than the request's own work on the cached paths.
struct ServerMetrics: Sendable {
    static let resolveOutcomes = ["found", "not_found", "disabled", "invitation_expired", "invitation_used", "invitation_revoked"]
    static let connectOutcomes = resolveOutcomes.filter { $0 != "found" } + [
        "signup_required", "patient_connected", "patient_already_connected", "clinic_prompt", "clinics_connected",
        "clinics_already_connected", "declined", "own_practice",
    ]

    private let resolveCounters: [String: Counter]
    private let connectCounters: [String: Counter]

    init() {
        var resolve: [String: Counter] = [:]
        for outcome in Self.resolveOutcomes {
            resolve[outcome] = Counter(label: "sprucelink_resolve_total", dimensions: [("outcome", outcome)])
        }
        var connect: [String: Counter] = [:]
        for outcome in Self.connectOutcomes {
            connect[outcome] = Counter(label: "sprucelink_connect_total", dimensions: [("outcome", outcome)])
        }
        resolveCounters = resolve
        connectCounters = connect
    }

    func resolved(_ resolution: Resolution) {
        resolved(outcome: resolution.outcome)
    }

    func resolved(outcome: String) {
        resolveCounters[outcome]?.increment()
    }

    func connected(_ outcome: ConnectOutcome) {
        let name: String
        switch outcome {
        case .signupRequired: name = "signup_required"
        case .connected(_, let isNew): name = isNew ? "patient_connected" : "patient_already_connected"
        case .confirmClinicConnection: name = "clinic_prompt"
        case .clinicsConnected(_, let isNew): name = isNew ? "clinics_connected" : "clinics_already_connected"
        case .declined: name = "declined"
        case .ownPractice: name = "own_practice"
        case .unavailable(let resolution): name = resolution.outcome
        }
        connectCounters[name]?.increment()
    }
}
