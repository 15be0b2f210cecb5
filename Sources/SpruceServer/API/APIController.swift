import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceStore

/// The JSON API under `/api`: the OpenAPI document, public reads of links, and with an API key the organization's
/// links, invitations and conversations. Every error is answered as problem+json (``ProblemMiddleware``).
struct APIController: Sendable {
    /// Where the API's group is mounted; every endpoint below is relative to it.
    static let path = "/api"
    static let openAPI = Endpoint(.get, "/openapi.json")
    static let linkProfile = Endpoint(.get, "/v1/links/{code}")
    static let resolveText = Endpoint(.post, "/v1/resolve")
    static let organization = Endpoint(.get, "/v1/organization")
    static let listLinks = Endpoint(.get, "/v1/links")
    static let mintLink = Endpoint(.post, "/v1/links")
    static let disableLink = Endpoint(.post, "/v1/links/{code}/disable")
    static let setQRColors = Endpoint(.post, "/v1/links/{code}/qr-colors")
    static let listInvitations = Endpoint(.get, "/v1/invitations")
    static let createInvitation = Endpoint(.post, "/v1/invitations")
    static let conversations = Endpoint(.get, "/v1/conversations")
    static let linkStats = Endpoint(.get, "/v1/links/{code}/stats")
    static let tagStats = Endpoint(.get, "/v1/stats")
    static let jsonBodyLimit = 64 * 1024

    let store: SpruceStore
    let links: LinkLookup
    let profileJSON: ProfileJSON
    /// The site's public origin: link and invitation URLs in responses are on it.
    let publicURL: String
    /// Hosts `POST /api/v1/resolve` accepts links on.
    let acceptedHosts: [String]
    let openAPIDocument: ByteBuffer
    let funnel: FunnelRecorder?

    /// - Parameter api: the group mounted at ``path``, answering errors as problem+json.
    func addRoutes(to api: RouterGroup<SpruceRequestContext>) {
        api.on(Self.openAPI, use: openAPI)
        api.on(Self.linkProfile, use: apiResolveLink)
        api.on(Self.resolveText, use: apiResolveText)
        let keyed = api.group().add(middleware: APIKeyMiddleware(store: store))
        keyed.on(Self.organization, use: apiOrganization)
        keyed.on(Self.listLinks, use: apiListLinks)
        keyed.on(Self.mintLink, use: apiMintLink)
        keyed.on(Self.disableLink, use: apiDisableLink)
        keyed.on(Self.setQRColors, use: apiSetQRColors)
        keyed.on(Self.listInvitations, use: apiListInvitations)
        keyed.on(Self.createInvitation, use: apiCreateInvitation)
        keyed.on(Self.conversations, use: apiConversations)
        keyed.on(Self.linkStats, use: apiLinkStats)
        keyed.on(Self.tagStats, use: apiTagStats)
    }

    /// `GET /api/openapi.json`: the OpenAPI 3.1 description of `/api/v1`.
    func openAPI(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
            body: .init(byteBuffer: openAPIDocument))
    }

    /// The organization of the request's API key, found by ``APIKeyMiddleware``.
    /// - Throws: ``ServerError/Reason/apiKeyRequired`` on a route outside the middleware's group.
    func requireAPIKey(_ context: SpruceRequestContext) throws -> OrganizationID {
        guard let organizationID = context.apiOrganization else { throw ServerError(.apiKeyRequired) }
        return organizationID
    }

    /// The scope of the request's API key: its organization, with the key's role.
    func requireAPIScope(_ context: SpruceRequestContext) throws -> OrganizationScope {
        guard let scope = context.apiScope else { throw ServerError(.apiKeyRequired) }
        return scope
    }

    /// JSON with the API's encoder settings.
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) throws -> Response
    {
        try Response.json(value, status: status, headers: headers)
    }

    /// Decodes a JSON body, turning decoding failures into 400/422 problems that name the field and the rule.
    func decodeJSON<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw ServerError(.unsupportedMediaType("application/json"))
        }
        var request = request
        let body = try await request.collectBody(upTo: Self.jsonBodyLimit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body.readableBytesView))
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, _):
                throw ServerError(.unprocessable(field: key.stringValue, rule: "is required"))
            case .typeMismatch(let expected, let context):
                throw ServerError(
                    .unprocessable(
                        field: Self.fieldName(context.codingPath), rule: "must be \(Self.typeName(expected))"))
            case .valueNotFound(let expected, let context):
                throw ServerError(
                    .unprocessable(
                        field: Self.fieldName(context.codingPath), rule: "must be \(Self.typeName(expected)), not null")
                )
            case .dataCorrupted(let context):
                if context.codingPath.isEmpty { throw ServerError.invalid("body", "is not a JSON object") }
                throw ServerError(.unprocessable(field: Self.fieldName(context.codingPath), rule: "is malformed"))
            @unknown default:
                throw ServerError.invalid("body", "is not a JSON object")
            }
        }
    }

    /// Lengths as the OpenAPI schema counts them (code points), checked before the domain's own rules.
    static func checkLength(_ value: String?, field: String, maximum: Int) throws {
        if let value, value.unicodeScalars.count > maximum {
            throw ServerError(.unprocessable(field: field, rule: "is longer than \(maximum) characters"))
        }
    }

    static func fieldName(_ path: [any CodingKey]) -> String {
        path.isEmpty ? "body" : path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
    }

    static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        case is [String].Type: "an array of strings"
        default: "an object"
        }
    }
}
