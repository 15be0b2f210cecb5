import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// The logged-in pages: a member's inbox, the clinic prompt, contacts and **Add Clinic**, conversations, and a
/// patient's **Get Care**.
struct MessagingController: Sendable {
    static let inbox = Endpoint(.get, "/inbox")
    static let answerPrompt = Endpoint(.post, "/inbox/prompt")
    static let contacts = Endpoint(.get, "/contacts")
    static let addClinic = Endpoint(.post, "/add-clinic")
    static let conversation = Endpoint(.get, "/conversations/{id}")
    static let sendMessage = Endpoint(.post, "/conversations/{id}/messages")
    static let care = Endpoint(.get, "/care")
    /// How many alerts the inbox shows.
    static let alertsShown = 20

    let store: SpruceStore
    let pages: PageRenderer
    let visitors: Visitors
    let connectResponses: ConnectResponses
    /// Hosts the **Add Clinic** form accepts links on.
    let acceptedHosts: [String]
    let funnel: FunnelRecorder?

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.inbox, use: inboxPage)
        browser.on(Self.answerPrompt, use: answerPrompt)
        browser.on(Self.contacts, use: contactsPage)
        browser.on(Self.addClinic, use: addClinic)
        browser.on(Self.conversation, use: conversationPage)
        browser.on(Self.sendMessage, use: sendMessage)
        browser.on(Self.care, use: carePage)
    }

    static func entryValues(_ entry: InboxEntry) -> [String: Any] {
        var values: [String: Any] = [
            "id": entry.conversationID.rawValue, "title": entry.title, "tags": entry.tags.map(\.rawValue),
            "isBriefcase": entry.icon == .briefcase, "isPatient": entry.icon == .patient,
            "isGroup": entry.icon == .group,
        ]
        values["lastMessage"] = entry.lastMessage
        return values
    }

    /// `GET /inbox`: a member's inbox (All / Clinics on Spruce), alerts, and the "Connect with ⟨clinic⟩?" prompt.
    func inboxPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let member = try await visitors.requireMember(context)
        let query = FormData(query: request.uri.query)
        let filter: InboxFilter = query["tab"] == "clinics" ? .clinics : .all
        let cursor = query.text("after").flatMap(InboxCursor.init)
        let identity = Visitor.member(member).identity
        let view = try await store.inboxView(
            as: identity, filter: filter, after: cursor, alertsShown: Self.alertsShown)
        let inbox = view.page
        var values = pages.pageValues("Inbox", context: context, visitor: .member(member))
        values["organizationName"] = view.organization.profile.displayName
        values["entries"] = inbox.entries.map(Self.entryValues)
        values["alerts"] = view.alerts.map { ["text": $0.text] }
        values["allSelected"] = filter == .all
        values["clinicsSelected"] = filter == .clinics
        if let next = inbox.nextCursor { values["nextHref"] = "/inbox?tab=\(filter.rawValue)&after=\(next)" }
        // The prompt is shown only when it verifies and was made for this member; answering checks it again.
        if let token = query.text("prompt"), let prompt = store.verifiedPrompt(token, for: member.id) {
            values["prompt"] = ["question": prompt.question, "token": token, "csrf": pages.csrfToken(context)]
        }
        switch query["notice"] {
        case "declined": values["notice"] = "Nothing was created."
        default: break
        }
        return pages.page("inbox", values)
    }

    /// `POST /inbox/prompt`: **Connect with Clinic** or **Not now**.
    func answerPrompt(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let member = try await visitors.requireMember(context)
        guard let token = context.form.text("prompt") else { throw ServerError.invalid("prompt", "is required") }
        let accept = context.form["answer"] == "connect"
        let outcome = try await store.answerClinicPrompt(token, as: Visitor.member(member).identity, accept: accept)
        if let funnel, let prompt = store.verifiedPrompt(token, for: member.id) {
            funnel.count(outcome: outcome, code: prompt.code, viaInvitation: false)
        }
        if case .declined = outcome {
            connectResponses.metrics.connected(outcome)
            return pages.redirect("/inbox?notice=declined")
        }
        return connectResponses.response(outcome, context: context, visitor: .member(member))
    }

    /// `GET /contacts`: the clinic's contacts and the **Add Clinic** form.
    func contactsPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let member = try await visitors.requireMember(context)
        return try await renderContacts(member: member, error: nil, link: "", status: .ok, context: context)
    }

    func renderContacts(
        member: Member, error: String?, link: String, status: HTTPResponse.Status, context: SpruceRequestContext
    ) async throws -> Response {
        let identity = Visitor.member(member).identity
        let view = try await store.contactsView(as: identity)
        var values = pages.pageValues("Contacts", context: context, visitor: .member(member))
        values["organizationName"] = view.organization.profile.displayName
        values["contacts"] = view.contacts.map {
            ["name": $0.displayName, "kind": $0.kind.rawValue, "isClinic": $0.kind == .clinic] as [String: Any]
        }
        values["error"] = error
        values["link"] = link
        return pages.page("contacts", values, status: status)
    }

    /// `POST /add-clinic`: a member enters another clinic's Spruce link and the clinics are connected.
    func addClinic(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let member = try await visitors.requireMember(context)
        let text = context.form["link"] ?? ""
        do {
            let outcome = try await store.addClinic(text, as: Visitor.member(member).identity, hosts: acceptedHosts)
            switch outcome {
            case .unavailable(let resolution):
                return try await renderContacts(
                    member: member, error: resolution.message, link: text,
                    status: resolution.httpStatus == 404 ? .notFound : .gone, context: context)
            default:
                return connectResponses.response(outcome, context: context, visitor: .member(member))
            }
        } catch let error as ScanError {
            return try await renderContacts(
                member: member, error: ErrorMiddleware.sentence(error.description), link: text,
                status: .unprocessableContent,
                context: context)
        }
    }

    /// `GET /conversations/{id}`: a thread and the send form, for a participant only (404 for anyone else).
    func conversationPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let visitor = try await visitors.visitor(context)
        guard visitor != .anonymous else { throw ServerError(.loginRequired) }
        let id = try conversationID(context)
        let before = FormData(query: request.uri.query).text("before").flatMap { Int64($0) }
            .flatMap { $0 > 0 ? $0 : nil }
        return try await renderConversation(
            id, visitor: visitor, error: nil, status: .ok, before: before, context: context)
    }

    func conversationID(_ context: SpruceRequestContext) throws -> ConversationID {
        guard let raw = context.parameters.get("id", as: Int64.self), raw > 0 else { throw MessagingError.notFound }
        return ConversationID(rawValue: raw)
    }

    func renderConversation(
        _ id: ConversationID, visitor: Visitor, error: String?, status: HTTPResponse.Status, before: Int64? = nil,
        context: SpruceRequestContext
    ) async throws -> Response {
        let thread = try await store.thread(as: visitor.identity, id: id, before: before)
        var values = pages.pageValues(thread.entry.title, context: context, visitor: visitor)
        for (key, value) in Self.entryValues(thread.entry) { values[key] = value }
        let formatter = ISO8601DateFormatter()
        values["messages"] = thread.messages.map {
            ["author": $0.authorName, "body": $0.body, "at": formatter.string(from: $0.createdAt)]
        }
        values["error"] = error
        values["backHref"] = Visitors.home(for: visitor)
        values["earlierHref"] = thread.earlierCursor.map { "/conversations/\(id.rawValue)?before=\($0)" }
        return pages.page("conversation", values, status: status)
    }

    /// `POST /conversations/{id}/messages`: sends a message, then shows the thread.
    func sendMessage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let visitor = try await visitors.visitor(context)
        guard visitor != .anonymous else { throw ServerError(.loginRequired) }
        let id = try conversationID(context)
        do {
            _ = try await store.sendMessage(as: visitor.identity, to: id, body: context.form["body"] ?? "")
        } catch MessagingError.invalid(let field, let rule) {
            return try await renderConversation(
                id, visitor: visitor, error: ErrorMiddleware.sentence("\(field) \(rule)"),
                status: .unprocessableContent,
                context: context)
        }
        return pages.redirect("/conversations/\(id.rawValue)")
    }

    /// `GET /care`: a patient's **Get Care** list and their conversations.
    func carePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let patient = try await visitors.requirePatient(context)
        let identity = Visitor.patient(patient).identity
        let view = try await store.careView(as: identity)
        var values = pages.pageValues("Get Care", context: context, visitor: .patient(patient))
        values["practices"] = view.practices.map {
            var values: [String: Any] = ["name": $0.profile.displayName, "monogram": $0.profile.monogram]
            values["specialty"] = $0.profile.specialty
            return values
        }
        values["entries"] = view.conversations.map(Self.entryValues)
        return pages.page("care", values)
    }
}
