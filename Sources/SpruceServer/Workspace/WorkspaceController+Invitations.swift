import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceDelivery
import SpruceStore

extension WorkspaceController {
    /// `GET /workspace/invitations?status=…&link=…&before=…`: newest first, by cursor, filtered.
    func invitationsPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let query = FormData(query: request.uri.query)
        var status: InvitationStatusFilter?
        if let text = query.text("status") {
            guard let parsed = InvitationStatusFilter(rawValue: text) else {
                throw ServerError.invalid(
                    "status",
                    "must be one of: \(InvitationStatusFilter.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        var link: LinkCode?
        if let text = query.text("link") {
            guard let code = try? LinkCode(text) else { throw ServerError.invalid("link", "is not a link code") }
            link = code
        }
        let cursor = query.text("before").flatMap { Int64($0) }
        let now = Date()
        let page = try await store.invitationPage(
            in: desk.scope, status: status, link: link, before: cursor, limit: Self.pageSize, at: now)
        let links = try await store.linkChoices(in: desk.scope)
        let linkCodes = Dictionary(links.map { ($0.id, $0.code.rawValue) }, uniquingKeysWith: { first, _ in first })
        var values = values("Invitations", tab: "invitations", desk: desk, context: context)
        let csrf = pages.csrfToken(context)
        values["invitations"] = page.records.map { record -> [String: Any] in
            let invitation = record.invitation
            let optedOut = page.optedOut.contains(invitation.id)
            let state = invitation.state(at: now)
            var row: [String: Any] = [
                "id": invitation.id.rawValue, "name": invitation.recipient.name ?? "",
                "email": invitation.recipient.email ?? "", "phone": invitation.recipient.phone ?? "",
                "state": optedOut ? "opted out" : state.rawValue, "created": Self.shortDate(invitation.createdAt),
                "expires": Self.shortDate(invitation.expiresAt), "link": linkCodes[invitation.linkID] ?? "",
                "isPending": state == .pending && !optedOut, "csrf": csrf,
                "canResend": state != .accepted && !optedOut,
            ]
            row["reminded"] = record.remindedAt.map(Self.shortDate)
            return row
        }
        values["statuses"] =
            [["value": "", "text": "Any status", "selected": status == nil]]
            + InvitationStatusFilter.allCases.map {
                [
                    "value": $0.rawValue, "text": $0.rawValue.replacingOccurrences(of: "-", with: " "),
                    "selected": $0 == status,
                ]
            }
        values["linkOptions"] =
            SelectOptions(
                [SelectOptions.Option(value: "", text: "Any link", selected: link == nil)]
                    + links.map {
                        SelectOptions.Option(
                            value: $0.code.rawValue,
                            text: $0.label.isEmpty ? $0.code.rawValue : "\($0.label) (\($0.code))",
                            selected: $0.code == link)
                    }
            ).html
        var filters: [String] = []
        if let status { filters.append("status=\(status.rawValue)") }
        if let link { filters.append("link=\(link.rawValue)") }
        if let next = page.nextCursor {
            values["nextHref"] = "/workspace/invitations?" + (filters + ["before=\(next)"]).joined(separator: "&")
        }
        if cursor != nil { values["firstHref"] = "/workspace/invitations?" + filters.joined(separator: "&") }
        values["notice"] = Self.notice(query)
        return pages.page("workspace-invitations", values)
    }

    func invitationID(_ context: SpruceRequestContext) throws -> InvitationID {
        guard let raw = context.parameters.get("id", as: Int64.self), raw > 0 else {
            throw StoreError.invitationNotFound
        }
        return InvitationID(rawValue: raw)
    }

    /// `POST /workspace/invitations/{id}/resend`: a fresh invitation with a fresh token to the same recipient
    /// through the same link, the old one revoked in the same transaction (`sprucelink invite send --resend`).
    func resendInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let (record, link) = try await store.invitationWithLink(id: try invitationID(context), in: desk.scope)
        guard record.invitation.acceptedAt == nil else {
            throw ServerError(.unprocessable(field: "invitation", rule: "was already accepted"))
        }
        var sender = dispatcher
        sender.invitedBy = desk.member.email
        let outcome = await sender.send(
            link: link.code, practiceName: desk.organization.profile.displayName,
            recipient: record.invitation.recipient,
            requested: record.channels.isEmpty ? [.email, .text] : record.channels, resend: true, in: desk.scope)
        switch outcome {
        case .sent: return pages.redirect("/workspace/invitations?notice=resent")
        case .skipped(let reason): throw ServerError(.unprocessable(field: "invitation", rule: reason.description))
        case .failed(let reason): throw ServerError(.unprocessable(field: "invitation", rule: reason))
        }
    }

    /// `POST /workspace/invitations/{id}/revoke`: the invitation's link stops working (staff and admins).
    func revokeInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        try await store.revokeInvitation(id: try invitationID(context), in: desk.scope)
        return pages.redirect("/workspace/invitations?notice=revoked")
    }
}
