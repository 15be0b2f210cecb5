import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceStore

extension Site {
    static let jsonBodyLimit = 64 * 1024

    /// The organization of the request's API key (`Authorization: Bearer spk_…`).
    /// - Throws: ``ServerError/Reason/apiKeyRequired`` when the header is missing, malformed, or the key unknown.
    func requireAPIKey(_ request: Request) async throws -> OrganizationID {
        guard let header = request.headers[.authorization] else { throw ServerError(.apiKeyRequired) }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer",
            let key = try await store.apiKey(secret: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { throw ServerError(.apiKeyRequired) }
        return key.organizationID
    }

    /// Decodes a JSON body, turning decoding failures into 400/422 problems that name the field and the rule.
    func decodeJSON<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            throw ServerError(.unsupportedMediaType("application/json"))
        }
        var request = request
        let body = try await request.collectBody(upTo: Self.jsonBodyLimit)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch let error as DecodingError {
            switch error {
            case .keyNotFound(let key, _):
                throw ServerError(.unprocessable(field: key.stringValue, rule: "is required"))
            case .typeMismatch(let expected, let context):
                throw ServerError(.unprocessable(field: Self.fieldName(context.codingPath), rule: "must be \(Self.typeName(expected))"))
            case .valueNotFound(let expected, let context):
                throw ServerError(.unprocessable(field: Self.fieldName(context.codingPath), rule: "must be \(Self.typeName(expected)), not null"))
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

    // MARK: - Public

    /// `GET /api/v1/links/{code}`: the public profile a practice link resolves to, or a 404/410 problem.
    func apiResolveLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
            return Problem(MappedError.unavailable(.notFound), instance: context.endpointPath).response()
        }
        switch try await resolve(code) {
        case .active(let link, let profile):
            let profileJSON = try profileJSON.value(for: link.organizationID, profile) { try encodeJSON($0) }
            return Response(
                status: .ok, headers: HotReads.jsonHeaders,
                body: .init(byteBuffer: resolvedLinkJSON(code: code, profileJSON: profileJSON)))
        case .unavailable(let resolution):
            return Problem(MappedError.unavailable(resolution), instance: context.endpointPath).response()
        }
    }

    /// `POST /api/v1/resolve`: reads scanned text and says what it leads to.
    func apiResolveText(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await decodeJSON(API.ResolveRequest.self, from: request)
        let scanned = try ScannedLink.parse(body.text, hosts: configuration.acceptedHosts)
        let resolution: Resolution
        let code: String?
        let target: String
        switch scanned.target {
        case .practice(let linkCode):
            resolution = try await store.resolve(code: linkCode)
            metrics.resolved(resolution)
            code = linkCode.rawValue
            target = "practice"
        case .invitation(let token):
            resolution = try await store.resolve(invitation: token)
            metrics.resolved(resolution)
            code = nil
            target = "invitation"
        }
        var profile: ClinicProfile?
        if case .found(_, let found, _) = resolution { profile = found }
        return try json(API.Resolved(
            target: target, code: code, outcome: resolution.outcome, status: resolution.httpStatus,
            message: resolution.message, profile: profile))
    }

    // MARK: - With an API key

    /// `GET /api/v1/organization`: the key's organization and its public profile.
    func apiOrganization(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        guard let organization = try await store.organization(id: organizationID) else { throw ServerError(.notFound) }
        return try json(API.OrganizationBody(id: organizationID.rawValue, profile: organization.profile))
    }

    /// `GET /api/v1/links`: the organization's links.
    func apiListLinks(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let links = try await store.links(of: organizationID)
        return try json(API.LinkList(links: links.map { API.Link($0, site: self) }))
    }

    /// `POST /api/v1/links`: mints a link (a random numeric code, or the chosen `code`).
    func apiMintLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let body = try await decodeJSON(API.MintLinkRequest.self, from: request)
        try Self.checkLength(body.label, field: "label", maximum: SpruceStore.labelLimit)
        var tags: [ConversationTag] = []
        for tag in body.tags ?? [] { tags.append(try ConversationTag(tag)) }
        let kind: MintRequest.Kind
        if let code = body.code { kind = .chosen(try LinkCode(code)) } else { kind = .numeric(length: LinkCode.defaultNumericLength) }
        let minted = try await store.mint(
            MintRequest(organizationID: organizationID, kind: kind, label: body.label ?? "", tags: tags))
        guard let link = minted.links.first else { throw ServerError(.notFound) }
        var created = API.Link(link, site: self)
        (created.codeLength, created.lengthNotice) = (minted.codeLength, minted.lengthNotice)
        return try json(created, status: .created, headers: [.location: "/api/v1/links/\(link.code.rawValue)"])
    }

    /// `POST /api/v1/links/{code}/disable`: disables one of the organization's links, for good.
    func apiDisableLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let disabled = try await store.disableLink(code: code, of: organizationID)
        directory.forget(code)
        return try json(API.Link(disabled, site: self))
    }

    /// `POST /api/v1/links/{code}/qr-colors`: sets the colors of the link's QR code (dark on light, readable).
    func apiSetQRColors(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let body = try await decodeJSON(API.QRColorsBody.self, from: request)
        try Self.checkLength(body.foreground, field: "foreground", maximum: 7)
        try Self.checkLength(body.background, field: "background", maximum: 7)
        let colors = try QRColors(foreground: body.foreground, background: body.background)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let link = try await store.setQRColors(colors, code: code, of: organizationID)
        directory.forget(code)
        return try json(API.Link(link, site: self))
    }

    /// `GET /api/v1/invitations`: the organization's invitations, newest first (tokens are never shown again).
    func apiListInvitations(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let invitations = try await store.invitations(of: organizationID)
        return try json(API.InvitationList(invitations: invitations.map { API.InvitationBody($0, url: nil) }))
    }

    /// `POST /api/v1/invitations`: creates a private invitation on one of the organization's links. The
    /// response carries the invitation link once; sending it is the invitation service's job.
    func apiCreateInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let body = try await decodeJSON(API.CreateInvitationRequest.self, from: request)
        try Self.checkLength(body.name, field: "name", maximum: AccountDetails.nameLimit)
        try Self.checkLength(body.email, field: "email", maximum: AccountDetails.emailLimit)
        try Self.checkLength(body.phone, field: "phone", maximum: AccountDetails.phoneLimit)
        guard let code = try? LinkCode(body.code), let link = try await store.link(code: code),
            link.organizationID == organizationID
        else { throw ServerError(.unprocessable(field: "code", rule: "is not a link of this organization")) }
        let days = body.expiresInDays ?? 30
        guard (1...365).contains(days) else {
            throw ServerError(.unprocessable(field: "expiresInDays", rule: "must be from 1 to 365"))
        }
        var recipient = InvitationRecipient(name: body.name, email: body.email, phone: body.phone)
        if recipient.email != nil || recipient.phone != nil {
            // The account rules check the address and number the invitee will sign up with.
            let checked = try AccountDetails(
                name: body.name ?? "Invitee", email: body.email, phone: body.phone, password: String(repeating: "x", count: 10)
            ).validated()
            recipient = InvitationRecipient(name: body.name, email: checked.email, phone: checked.phone)
        }
        if let name = body.name, name.count > AccountDetails.nameLimit {
            throw ServerError(.unprocessable(field: "name", rule: "is longer than \(AccountDetails.nameLimit) characters"))
        }
        let (invitation, token) = try await store.createInvitation(
            link: code, recipient: recipient, lifetime: TimeInterval(days) * 24 * 60 * 60)
        return try json(
            API.InvitationBody(invitation, url: configuration.publicURL + "/i/" + token.rawValue), status: .created)
    }

    /// `GET /api/v1/conversations`: the organization's conversations, newest activity first, by cursor.
    func apiConversations(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try await requireAPIKey(request)
        let query = FormData(query: request.uri.query)
        var filter = InboxFilter.all
        if let text = query["filter"] {
            guard let parsed = InboxFilter(rawValue: text) else {
                throw ServerError.invalid("filter", "must be all or clinics")
            }
            filter = parsed
        }
        var cursor: InboxCursor?
        if let text = query["after"] {
            guard text.count >= 2, text.count <= 19, text.hasPrefix("a"), text.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }),
                let parsed = InboxCursor(text)
            else { throw ServerError.invalid("after", "is not a cursor from nextCursor") }
            cursor = parsed
        }
        var limit = 25
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...100).contains(parsed) else {
                throw ServerError.invalid("limit", "must be an integer from 1 to 100")
            }
            limit = parsed
        }
        let page = try await store.inbox(of: organizationID, filter: filter, after: cursor, limit: limit)
        return try json(API.ConversationList(
            conversations: page.entries.map(API.Conversation.init), nextCursor: page.nextCursor?.description))
    }
}

extension MappedError {
    /// The problem of a link that does not resolve: 404, or 410 with the resolution's own message.
    static func unavailable(_ resolution: Resolution) -> MappedError {
        MappedError(
            resolution.httpStatus == 404 ? .notFound : .gone, resolution.outcome.replacingOccurrences(of: "_", with: "-"),
            resolution.httpStatus == 404 ? "Link not found" : "Link no longer active", resolution.message)
    }
}
