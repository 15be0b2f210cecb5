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

    func addInviteRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.invite, use: invitePage)
        browser.on(Self.sendInvite, use: sendInvite)
        browser.on(Self.uploadInvites, use: uploadInvites)
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
        let links = try await store.linkPage(in: desk.scope, limit: SpruceStore.workspacePageLimit).links
            .filter { $0.status == .active }
        var values = values("Invite patients", tab: "invite", desk: desk, context: context)
        let chosen = form["link"] ?? links.first(where: \.isPrimary)?.code.rawValue ?? ""
        values["linkOptions"] = links.map {
            [
                "value": $0.code.rawValue, "selected": $0.code.rawValue == chosen,
                "text": ($0.label.isEmpty ? "" : $0.label + " · ") + linkURL($0.code),
            ]
        }
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

    /// `POST /workspace/invite/csv` (multipart): every row of the list through the batch path, chunk by chunk;
    /// answered with the result table and the report.
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
        var rows: [[String: Any]] = []
        var report = InvitationReport.header + "\r\n"
        var counts = ["sent": 0, "skipped": 0, "failed": 0]
        for start in stride(from: 0, to: list.rows.count, by: Self.chunkSize) {
            let chunk = list.rows[start..<min(start + Self.chunkSize, list.rows.count)]
            let valid = chunk.compactMap { try? $0.recipient.get() }
            var outcomes = await sender.send(
                link: code, practiceName: practice, recipients: valid, requested: [.email, .text], in: desk.scope
            ).makeIterator()
            for row in chunk {
                let (status, id, reason): (String, InvitationID?, String)
                switch row.recipient {
                case .failure(let error): (status, id, reason) = ("failed", nil, error.description)
                case .success:
                    switch outcomes.next() {
                    case .sent(let record, let warnings)?:
                        (status, id, reason) = ("sent", record.invitation.id, warnings.joined(separator: "; "))
                    case .skipped(let why)?: (status, id, reason) = ("skipped", nil, why.description)
                    case .failed(let why)?: (status, id, reason) = ("failed", nil, why)
                    case nil: (status, id, reason) = ("failed", nil, "not attempted")
                    }
                }
                counts[status, default: 0] += 1
                report += InvitationReport.line(row: row, status: status, invitationID: id, reason: reason) + "\r\n"
                rows.append([
                    "number": row.number, "name": row.name, "email": row.email, "phone": row.phone, "status": status,
                    "reason": reason, "isSent": status == "sent",
                ])
            }
        }
        let results: [String: Any] = [
            "rows": rows, "sent": counts["sent"] ?? 0, "skipped": counts["skipped"] ?? 0,
            "failed": counts["failed"] ?? 0,
            "reportHref": "data:text/csv;charset=utf-8,"
                + (report.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""),
        ]
        return try await renderInvite(
            desk: desk, form: kept, errors: [:], status: .ok, results: results, context: context)
    }
}
