import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// The app's API under `/api/app/v1`: claim a handoff, sign up or log in for a bearer token, connect, and the
/// patient's side of messaging. Every operation is one store operation with the web's authorization and rate
/// limits; tokens are app sessions (``AppSession``), never cookies, so no CSRF applies. Errors are problem+json.
struct AppAPIController: Sendable {
    static let path = "/api/app/v1"
    static let claim = Endpoint(.post, "/handoffs/claim")
    static let signup = Endpoint(.post, "/signup")
    static let verifySignup = Endpoint(.post, "/signup/verify")
    static let resendSignupCode = Endpoint(.post, "/signup/resend")
    static let login = Endpoint(.post, "/login")
    static let logout = Endpoint(.post, "/logout")
    static let sessions = Endpoint(.get, "/sessions")
    static let revokeSession = Endpoint(.post, "/sessions/{id}/revoke")
    static let connect = Endpoint(.post, "/connect")
    static let conversations = Endpoint(.get, "/conversations")
    static let messages = Endpoint(.get, "/conversations/{id}/messages")
    static let send = Endpoint(.post, "/conversations/{id}/messages")

    let store: SpruceStore
    /// Decodes JSON bodies with the API's rules (``APIController/decodeJSON(_:from:)``).
    let api: APIController
    let publicURL: String
    let acceptedHosts: [String]

    /// - Parameter group: the group mounted at ``path``, answering errors as problem+json.
    func addRoutes(to group: RouterGroup<SpruceRequestContext>) {
        group.on(Self.claim, use: claimHandoff)
        group.on(Self.signup, use: signUp)
        group.on(Self.verifySignup, use: verifySignup)
        group.on(Self.resendSignupCode, use: resendSignupCode)
        group.on(Self.login, use: logIn)
        let patient = group.group().add(middleware: AppTokenMiddleware(store: store))
        patient.on(Self.logout, use: logOut)
        patient.on(Self.sessions, use: listSessions)
        patient.on(Self.revokeSession, use: revoke)
        patient.on(Self.connect, use: connectLink)
        patient.on(Self.conversations, use: listConversations)
        patient.on(Self.messages, use: listMessages)
        patient.on(Self.send, use: sendMessage)
    }

    func session(_ context: SpruceRequestContext) throws -> AppSession {
        guard let session = context.appSession else { throw ServerError(.appTokenRequired) }
        return session
    }

    // MARK: - Handoffs and accounts

    /// `POST /handoffs/claim`: `{"token": …}` or `{"code": "K7QX-M4PT"}` → the practice and the continuation.
    func claimHandoff(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await api.decodeJSON(AppAPI.ClaimRequest.self, from: request)
        let secret: HandoffSecret
        switch (body.token, body.code) {
        case (let token?, nil): secret = .token(try HandoffToken(token))
        case (nil, let code?): secret = .code(try ConnectCode(code))
        default: throw ServerError(.unprocessable(field: "token", rule: "or code is required, not both"))
        }
        let claim = try await store.claimHandoff(secret, client: context.clientAddress)
        return try Response.json(
            AppAPI.ClaimBody(
                code: claim.code.rawValue, url: publicURL + "/" + claim.code.rawValue, profile: claim.profile,
                continuation: claim.continuation, invitation: claim.isInvitation))
    }

    /// `POST /signup`: the web's patient signup (``SpruceStore/startSignup(_:continuation:client:at:)``): 202 with a
    /// ticket and the address a code went to, byte for byte the same whether or not the address has an account
    /// (apart from the ticket). Through an invitation sent to this very address the account is verified at once:
    /// 200 with the token, as `/signup/verify` answers.
    func signUp(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await api.decodeJSON(AppAPI.SignupRequest.self, from: request)
        try APIController.checkLength(body.device, field: "device", maximum: SpruceStore.labelLimit)
        let details = AccountDetails(name: body.name, email: body.email, phone: body.phone, password: body.password)
        let start = try await store.startSignup(
            details, continuation: body.continuation, client: context.clientAddress)
        switch start {
        case .codeSent(let ticket):
            return try Self.started(ticket)
        case .verified(let patient, let outcome):
            return try await startSession(patient, device: body.device, outcome: outcome, status: .ok)
        }
    }

    /// `POST /signup/verify`: `{"ticket", "code", "device"}` → the token, and the connect's outcome when the
    /// signup came through a link or an invitation. Refusals: `code-wrong` (tries left in the detail),
    /// `code-too-many-tries`, `code-expired`, `ticket-unknown` (used, replaced or never issued).
    func verifySignup(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await api.decodeJSON(AppAPI.VerifyRequest.self, from: request)
        try APIController.checkLength(body.device, field: "device", maximum: SpruceStore.labelLimit)
        try Self.checkTicket(body.ticket)
        try APIController.checkLength(body.code, field: "code", maximum: 16)
        let (patient, outcome) = try await store.verifySignup(ticket: body.ticket, code: body.code)
        return try await startSession(patient, device: body.device, outcome: outcome, status: .ok)
    }

    /// `POST /signup/resend`: `{"ticket"}` → a new code to the same address (the old one stops working), throttled
    /// per ticket and per address; the same answer as `/signup`.
    func resendSignupCode(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await api.decodeJSON(AppAPI.ResendRequest.self, from: request)
        try Self.checkTicket(body.ticket)
        return try Self.started(try await store.resendCode(ticket: body.ticket))
    }

    /// Tickets are 43 characters of base64url; anything longer is refused before it is hashed.
    static func checkTicket(_ ticket: String) throws {
        try APIController.checkLength(ticket, field: "ticket", maximum: 64)
    }

    static func started(_ ticket: CodeTicket) throws -> Response {
        var response = try Response.json(
            AppAPI.SignupStarted(ticket: ticket.token, sentTo: ticket.address.description), status: .accepted)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    /// `POST /login`: a patient's email or phone and password (throttled as the web's), then a token; a
    /// continuation, when given, finishes its connect.
    func logIn(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let body = try await api.decodeJSON(AppAPI.LoginRequest.self, from: request)
        try APIController.checkLength(body.device, field: "device", maximum: SpruceStore.labelLimit)
        let visitor = try await store.logIn(body.login, password: body.password, client: context.clientAddress)
        guard case .patient(let patient) = visitor else {
            throw ServerError(.forbidden("the app's API is for patients; members log in on the web"))
        }
        let outcome = try await body.continuation.asyncMap { try await store.resume($0, as: visitor) }
        return try await startSession(patient, device: body.device, outcome: outcome, status: .ok)
    }

    func startSession(_ patient: Patient, device: String?, outcome: ConnectOutcome?, status: HTTPResponse.Status)
        async throws -> Response
    {
        let (secret, session) = try await store.createAppSession(for: patient.id, label: device ?? "")
        return try Response.json(
            AppAPI.SessionBody(
                token: secret, sessionId: session.id,
                patient: AppAPI.PatientBody(id: patient.id.rawValue, name: patient.name),
                outcome: try outcome.map(Self.outcomeBody)),
            status: status)
    }

    /// `POST /logout`: revokes the request's own token.
    func logOut(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let session = try session(context)
        try await store.revokeAppSession(id: session.id, of: session.patientID)
        return Response(status: .noContent)
    }

    /// `GET /sessions`: the patient's live app sessions.
    func listSessions(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let current = try session(context)
        let sessions = try await store.appSessions(of: current.patientID)
        return try Response.json(
            AppAPI.SessionList(
                sessions: sessions.map {
                    AppAPI.SessionInfo(
                        id: $0.id, device: $0.label, createdAt: $0.createdAt, lastUsedAt: $0.lastUsedAt,
                        current: $0.id == current.id)
                }))
    }

    /// `POST /sessions/{id}/revoke`: signs one of the patient's devices out.
    func revoke(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let current = try session(context)
        guard let id = Int64(context.parameters.get("id") ?? "") else {
            throw ServerError.invalid("id", "must be a session id")
        }
        do {
            try await store.revokeAppSession(id: id, of: current.patientID)
        } catch StoreError.invalidInput {
            throw ServerError(.notFound)
        }
        return Response(status: .noContent)
    }

    // MARK: - Connect

    /// `POST /connect`: `{"continuation": …}` (from a claim) or `{"link": "https://spruce.care/4827163"}`, the
    /// same ``SpruceStore/connect(visitor:via:rateKey:at:)`` outcomes as the web.
    func connectLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let session = try session(context)
        let body = try await api.decodeJSON(AppAPI.ConnectRequest.self, from: request)
        let visitor = try await store.visitor(for: .patient(session.patientID))
        let outcome: ConnectOutcome
        switch (body.continuation, body.link) {
        case (let continuation?, nil):
            outcome = try await store.resume(continuation, as: visitor)
        case (nil, let link?):
            try APIController.checkLength(link, field: "link", maximum: 2048)
            let scanned = try ScannedLink.parse(link, hosts: acceptedHosts)
            outcome = try await store.connect(visitor: visitor, via: scanned.target, rateKey: context.clientAddress)
        default:
            throw ServerError(.unprocessable(field: "continuation", rule: "or link is required, not both"))
        }
        return try Response.json(try Self.outcomeBody(outcome))
    }

    /// The outcome as JSON; an unusable link is the web's 404 or 410.
    static func outcomeBody(_ outcome: ConnectOutcome) throws -> AppAPI.OutcomeBody {
        switch outcome {
        case .connected(let id, let isNew), .clinicsConnected(let id, let isNew):
            return AppAPI.OutcomeBody(result: "connected", conversationId: id.rawValue, isNew: isNew)
        case .ownPractice: return AppAPI.OutcomeBody(result: "own_practice", conversationId: nil, isNew: nil)
        case .declined: return AppAPI.OutcomeBody(result: "declined", conversationId: nil, isNew: nil)
        case .signupRequired, .confirmClinicConnection:
            throw ServerError(.forbidden("the app's API is for patients"))
        case .unavailable(let resolution):
            throw ServerError(.linkUnavailable(resolution))
        }
    }

    // MARK: - Messaging

    /// `GET /conversations?after=N&limit=20`: the patient's conversations, newest activity first.
    func listConversations(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let session = try session(context)
        let query = FormData(query: request.uri.query)
        var size = InboxPageSize.standard
        if let text = query["limit"] {
            guard let parsed = InboxPageSize(text) else { throw ServerError.invalid("limit", InboxPageSize.rule) }
            size = parsed
        }
        var start = 0
        if let text = query["after"] {
            guard let parsed = Int(text), parsed >= 0, parsed <= 1_000_000 else {
                throw ServerError.invalid("after", "is not a cursor from nextCursor")
            }
            start = parsed
        }
        let entries = try await store.patientConversations(as: .patient(session.patientID))
        let page = entries.dropFirst(start).prefix(size.count)
        let end = start + page.count
        return try Response.json(
            API.ConversationList(
                conversations: page.map(API.Conversation.init),
                nextCursor: end < entries.count ? String(end) : nil))
    }

    /// `GET /conversations/{id}/messages?before=ID&limit=50`: a page of one conversation, with the web's
    /// authorization (another's conversation is a 404, as one that does not exist).
    func listMessages(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let session = try session(context)
        let id = try conversationID(context)
        let query = FormData(query: request.uri.query)
        var before: Int64?
        if let text = query["before"] {
            guard let parsed = Int64(text), parsed > 0 else {
                throw ServerError.invalid("before", "is not a cursor from earlierCursor")
            }
            before = parsed
        }
        var limit = ConversationThread.pageSize
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...200).contains(parsed) else {
                throw ServerError.invalid("limit", "must be from 1 to 200")
            }
            limit = parsed
        }
        let thread = try await store.thread(as: .patient(session.patientID), id: id, before: before, limit: limit)
        return try Response.json(
            AppAPI.MessagePage(
                conversation: API.Conversation(thread.entry), messages: thread.messages.map(AppAPI.MessageBody.init),
                earlierCursor: thread.earlierCursor))
    }

    /// `POST /conversations/{id}/messages`: `{"body": …}`, rate-limited per sender as on the web.
    func sendMessage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let session = try session(context)
        let id = try conversationID(context)
        let body = try await api.decodeJSON(AppAPI.SendRequest.self, from: request)
        let message = try await store.sendMessage(as: .patient(session.patientID), to: id, body: body.body)
        return try Response.json(AppAPI.MessageBody(message), status: .created)
    }

    func conversationID(_ context: SpruceRequestContext) throws -> ConversationID {
        guard let id = Int64(context.parameters.get("id") ?? ""), id > 0 else {
            throw ServerError(.notFound)
        }
        return ConversationID(rawValue: id)
    }
}

extension Optional {
    /// `map` with an async transform.
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
