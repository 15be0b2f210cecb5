import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceDelivery
import SpruceStore

/// `/workspace/invite`: one patient, or a CSV of patients, through the same dispatcher and store operation as
/// `sprucelink invite send` and `invite batch` (staff and admins).
extension WorkspaceController {
    static let invite = Endpoint(.get, "/workspace/invite")
    static let sendInvite = Endpoint(.post, "/workspace/invite")
    static let uploadInvites = Endpoint(.post, "/workspace/invite/csv")
    /// Rows recorded, flushed and marked together, as the CLI's default.
    static let chunkSize = InvitationDispatcher.defaultChunkSize
    /// The most rows one upload may hold; the body cap (``CSRFMiddleware/uploadLimit``) comes first for wide rows.
    static let maximumRows = 10_000
    /// Past this many rows an upload is sent as a background job (``InvitationJobs``) with a progress page; up to
    /// it, within the request (about 2 s on the benchmark machine).
    static let backgroundThreshold = 1_000

    func addInviteRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.invite, use: invitePage)
        browser.on(Self.sendInvite, use: sendInvite)
        browser.on(Self.uploadInvites, use: uploadInvites)
        addJobRoutes(to: browser)
    }

    /// `GET /workspace/invite`.
    func invitePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        return try await renderInvite(desk: desk, form: [:], errors: [:], status: .ok, context: context)
    }

    func renderInvite(
        desk: Desk, form: [String: String], errors: [String: String], status: HTTPResponse.Status,
        preview: InvitationContent? = nil, results: [String: Any]? = nil, context: SpruceRequestContext
    ) async throws -> Response {
        let links = try await store.linkChoices(in: desk.scope).filter(\.isActive)
        var values = values("Invite patients", tab: "invite", desk: desk, context: context)
        let chosen = form["link"] ?? links.first(where: \.isPrimary)?.code.rawValue ?? ""
        values["linkOptions"] =
            SelectOptions(
                links.map {
                    SelectOptions.Option(
                        value: $0.code.rawValue, text: ($0.label.isEmpty ? "" : $0.label + " · ") + linkURL($0.code),
                        selected: $0.code.rawValue == chosen)
                }
            ).html
        values["form"] = form
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["uploadLimit"] = "\(CSRFMiddleware.uploadLimit / 1024 / 1024) MB"
        values["maximumRows"] = Self.maximumRows
        values["messageLimit"] = PersonalMessage.limit
        values["messageRule"] = PersonalMessage.rule
        if let preview {
            let (subject, text) = dispatcher.templates.emailPreview(preview)
            let message = dispatcher.templates.textMessage(preview)
            values["preview"] = [
                "subject": subject, "emailText": text, "sms": message.body,
                "encoding": message.encoding == .gsm7 ? "GSM-7" : "UCS-2", "segments": message.segmentCount,
                "units": message.unitCount, "warning": message.warning ?? "",
            ]
        }
        values["results"] = results
        return pages.page("workspace-invite", values, status: status)
    }

    func inviteLink(_ form: FormData, desk: Desk) async throws -> LinkCode {
        guard let text = form.text("link"), let code = try? LinkCode(text) else {
            throw ServerError(.unprocessable(field: "link", rule: "is required: choose one of the practice's links"))
        }
        do {
            let (link, _) = try await store.workspaceLink(code: code, in: desk.scope)
            guard link.status == .active else {
                throw ServerError(.unprocessable(field: "link", rule: "is disabled: choose an active link"))
            }
        } catch StoreError.linkNotFound {
            throw ServerError(.unprocessable(field: "link", rule: "is not a link of this practice"))
        }
        return code
    }

    /// `POST /workspace/invite`: previews (`preview=1`) or sends one invitation.
    func sendInvite(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = context.form
        let kept = [
            "name": form["name"] ?? "", "email": form["email"] ?? "", "phone": form["phone"] ?? "",
            "link": form["link"] ?? "", "message": form["message"] ?? "",
        ]
        do {
            let code = try await inviteLink(form, desk: desk)
            let recipient = try InvitationRecipient.validated(
                name: form.text("name"), email: form.text("email"), phone: form.text("phone"))
            let message = try PersonalMessage.validated(form["message"])
            if form["preview"] != nil {
                let token = InvitationToken.generate()
                let content = InvitationContent(
                    practiceName: desk.organization.profile.displayName, recipientName: recipient.name,
                    link: InvitationContent.link(for: token, publicURL: publicURL),
                    expiresAt: Date().addingTimeInterval(dispatcher.lifetime),
                    connectCode: ConnectCode.derived(from: token).formatted, personalMessage: message)
                return try await renderInvite(
                    desk: desk, form: kept, errors: [:], status: .ok, preview: content, context: context)
            }
            var sender = dispatcher
            sender.invitedBy = desk.member.email
            sender.personalMessage = message
            let outcome = await sender.send(
                link: code, practiceName: desk.organization.profile.displayName, recipient: recipient,
                requested: [.email, .text], in: desk.scope)
            switch outcome {
            case .sent(let record, _):
                return pages.redirect("/workspace/invitations?notice=invited&sent=\(record.invitation.id.rawValue)")
            case .skipped(let reason):
                let field = recipient.email != nil ? "email" : "phone"
                return try await renderInvite(
                    desk: desk, form: kept, errors: [field: ErrorMiddleware.sentence(reason.description)],
                    status: .conflict, context: context)
            case .failed(let reason):
                return try await renderInvite(
                    desk: desk, form: kept, errors: ["email": ErrorMiddleware.sentence(reason)],
                    status: .unprocessableContent, context: context)
            }
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            return try await renderInvite(
                desk: desk, form: kept, errors: [field: sentence], status: status, context: context)
        }
    }

    /// `POST /workspace/invite/csv` (multipart): the list is parsed and checked here (a bad file is answered at
    /// once); then every row goes through the batch path, chunk by chunk, within the request for up to
    /// ``backgroundThreshold`` rows (answered with the result table and the report), as a background job past it
    /// (answered with a redirect to the job's progress page).
    func uploadInvites(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = context.form
        let kept = ["link": form["link"] ?? "", "csvMessage": form["message"] ?? ""]
        let list: InviteeList
        let code: LinkCode
        let message: PersonalMessage?
        do {
            code = try await inviteLink(form, desk: desk)
            do { message = try PersonalMessage.validated(form["message"]) } catch {
                throw ServerError(.unprocessable(field: "csvMessage", rule: error.rule))
            }
            guard let upload = context.uploads["csv"], !upload.bytes.isEmpty else {
                throw ServerError(
                    .unprocessable(field: "csv", rule: "is required: choose a CSV file (name,email,phone)"))
            }
            do { list = try InviteeList(data: Data(upload.bytes)) } catch {
                throw ServerError(.unprocessable(field: "csv", rule: error.rule))
            }
            guard !list.rows.isEmpty else {
                throw ServerError(.unprocessable(field: "csv", rule: "has no patient rows under its header"))
            }
            guard list.rows.count <= Self.maximumRows else {
                throw ServerError(
                    .unprocessable(
                        field: "csv", rule: "has \(list.rows.count) rows; at most \(Self.maximumRows) at once"))
            }
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            return try await renderInvite(
                desk: desk, form: kept, errors: [field: sentence], status: status, context: context)
        }
        var sender = dispatcher
        sender.invitedBy = desk.member.email
        sender.personalMessage = message
        let practice = desk.organization.profile.displayName
        let (rows, scope) = (list.rows, desk.scope)
        if rows.count > Self.backgroundThreshold {
            let sender = sender
            do {
                let id = try jobs.start(organizationID: desk.organization.id, total: rows.count) { record in
                    _ = await sender.send(
                        list: rows, link: code, practiceName: practice, requested: [.email, .text],
                        chunkSize: Self.chunkSize, in: scope, afterChunk: record)
                }
                return pages.redirect("/workspace/invite/jobs/\(id)")
            } catch {
                return try await renderInvite(
                    desk: desk, form: kept, errors: ["csv": ErrorMiddleware.sentence(error.description)],
                    status: .tooManyRequests, context: context)
            }
        }
        let outcomes = await sender.send(
            list: rows, link: code, practiceName: practice, requested: [.email, .text], chunkSize: Self.chunkSize,
            in: scope)
        let results = Self.resultValues(
            outcomes,
            reportHref: "data:text/csv;charset=utf-8,"
                + (InviteeOutcome.report(outcomes).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        return try await renderInvite(
            desk: desk, form: kept, errors: [:], status: .ok, results: results, context: context)
    }
}
