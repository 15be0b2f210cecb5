import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceStore

extension APIController {
    // MARK: - Public

    /// `GET /api/v1/links/{code}`: the public profile a practice link resolves to, or a 404/410 problem.
    func apiResolveLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
            return Problem(MappedError.unavailable(.notFound), instance: context.endpointPath).response()
        }
        switch try await links.resolve(code) {
        case .active(let link, let profile):
            funnel?.countView(
                .json, code: code, organization: link.organizationID, isScan: false,
                traits: FunnelRecorder.Traits(request, context: context))
            let body = try profileJSON.body(code, organizationID: link.organizationID, profile: profile)
            return Response(status: .ok, headers: ProfileJSON.headers, body: .init(byteBuffer: body))
        case .unavailable(let resolution):
            return Problem(MappedError.unavailable(resolution), instance: context.endpointPath).response()
        }
    }

    /// `POST /api/v1/resolve`: reads scanned text and says what it leads to.
    func apiResolveText(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await decodeJSON(API.ResolveRequest.self, from: request)
        let scanned = try ScannedLink.parse(body.text, hosts: acceptedHosts)
        let resolution: Resolution
        let code: String?
        let target: String
        switch scanned.target {
        case .practice(let linkCode):
            resolution = try await store.resolve(code: linkCode)
            links.metrics.resolved(resolution)
            code = linkCode.rawValue
            target = "practice"
        case .invitation(let token):
            resolution = try await store.resolve(invitation: token)
            links.metrics.resolved(resolution)
            code = nil
            target = "invitation"
        }
        var profile: ClinicProfile?
        if case .found(_, let found, _) = resolution { profile = found }
        return try json(
            API.Resolved(
                target: target, code: code, outcome: resolution.outcome, status: resolution.httpStatus,
                message: resolution.message, profile: profile))
    }

    // MARK: - With an API key

    /// `GET /api/v1/organization`: the key's organization and its public profile.
    func apiOrganization(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        guard let organization = try await store.organization(id: organizationID) else { throw ServerError(.notFound) }
        return try json(API.OrganizationBody(id: organizationID.rawValue, profile: organization.profile))
    }

    /// `GET /api/v1/links`: the organization's links.
    func apiListLinks(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        let links = try await store.links(of: organizationID)
        return try json(API.LinkList(links: links.map { API.Link($0, publicURL: publicURL) }))
    }

    /// `POST /api/v1/links`: mints a link (a random numeric code, or the chosen `code`).
    func apiMintLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        let body = try await decodeJSON(API.MintLinkRequest.self, from: request)
        try Self.checkLength(body.label, field: "label", maximum: SpruceStore.labelLimit)
        var tags: [ConversationTag] = []
        for tag in body.tags ?? [] { tags.append(try ConversationTag(tag)) }
        let kind: MintRequest.Kind
        if let code = body.code {
            kind = .chosen(try LinkCode(code))
        } else {
            kind = .numeric(length: LinkCode.defaultNumericLength)
        }
        let minted = try await store.mint(
            MintRequest(organizationID: organizationID, kind: kind, label: body.label ?? "", tags: tags),
            in: try requireAPIScope(context))
        guard let link = minted.links.first else { throw ServerError(.notFound) }
        var created = API.Link(link, publicURL: publicURL)
        (created.codeLength, created.lengthNotice) = (minted.codeLength, minted.lengthNotice)
        return try json(created, status: .created, headers: [.location: "/api/v1/links/\(link.code.rawValue)"])
    }

    /// `POST /api/v1/links/{code}/disable`: disables one of the organization's links, for good.
    func apiDisableLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let scope = try requireAPIScope(context)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let disabled = try await store.disableLink(code: code, in: scope)
        links.directory.forget(code)
        return try json(API.Link(disabled, publicURL: publicURL))
    }

    /// `POST /api/v1/links/{code}/qr-colors`: sets the colors of the link's QR code (dark on light, readable).
    func apiSetQRColors(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let scope = try requireAPIScope(context)
        let body = try await decodeJSON(API.QRColorsBody.self, from: request)
        try Self.checkLength(body.foreground, field: "foreground", maximum: 7)
        try Self.checkLength(body.background, field: "background", maximum: 7)
        let colors = try QRColors(foreground: body.foreground, background: body.background)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let link = try await store.setQRColors(colors, code: code, in: scope)
        links.directory.forget(code)
        return try json(API.Link(link, publicURL: publicURL))
    }

    /// `GET /api/v1/invitations`: the organization's invitations, newest first (tokens are never shown again).
    func apiListInvitations(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        let invitations = try await store.invitations(of: organizationID)
        return try json(API.InvitationList(invitations: invitations.map { API.InvitationBody($0, url: nil) }))
    }

    /// `POST /api/v1/invitations`: creates a private invitation on one of the organization's links, through the
    /// store's one invitation operation (the same recipient validation, opt-out and already-invited rules as the
    /// CLI). The response carries the invitation link once; sending it is the invitation service's job.
    func apiCreateInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await decodeJSON(API.CreateInvitationRequest.self, from: request)
        let notOurs = ServerError(.unprocessable(field: "code", rule: "is not a link of this organization"))
        guard let code = try? LinkCode(body.code) else { throw notOurs }
        let days = body.expiresInDays ?? Invitation.defaultLifetimeDays
        guard Invitation.lifetimeDays.contains(days) else {
            throw ServerError(
                .unprocessable(
                    field: "expiresInDays",
                    rule: "must be from \(Invitation.lifetimeDays.lowerBound) to \(Invitation.lifetimeDays.upperBound)")
            )
        }
        let recipient = try InvitationRecipient.validated(name: body.name, email: body.email, phone: body.phone)
        let preparation: InvitationPreparation
        do {
            preparation = try await store.prepareInvitation(
                link: code, recipient: recipient, channels: [], invitedBy: nil,
                lifetime: TimeInterval(days) * 24 * 60 * 60, in: try requireAPIScope(context))
        } catch StoreError.linkNotFound { throw notOurs }
        guard case .created(let record, let token) = preparation else {
            throw preparation.refusal ?? notOurs
        }
        funnel?.count(.invitationSent, code: code, organization: try requireAPIKey(context))
        return try json(
            API.InvitationBody(record.invitation, url: publicURL + "/i/" + token.rawValue), status: .created)
    }

    /// `GET /api/v1/conversations`: the organization's conversations, newest activity first, by cursor.
    func apiConversations(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
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
            guard let parsed = InboxCursor(text) else {
                throw ServerError.invalid("after", "is not a cursor from nextCursor")
            }
            cursor = parsed
        }
        var size = InboxPageSize.standard
        if let text = query["limit"] {
            guard let parsed = InboxPageSize(text) else { throw ServerError.invalid("limit", InboxPageSize.rule) }
            size = parsed
        }
        let page = try await store.inbox(of: organizationID, filter: filter, after: cursor, limit: size.count)
        return try json(
            API.ConversationList(
                conversations: page.entries.map(API.Conversation.init), nextCursor: page.nextCursor?.description))
    }
}

extension MappedError {
    /// The problem of a link that does not resolve: 404, or 410 with the resolution's own message.
    static func unavailable(_ resolution: Resolution) -> MappedError {
        MappedError(
            resolution.httpStatus == 404 ? .notFound : .gone,
            resolution.outcome.replacingOccurrences(of: "_", with: "-"),
            resolution.httpStatus == 404 ? "Link not found" : "Link no longer active", resolution.message)
    }
}
