import Foundation
import HTTPTypes
import Hummingbird
import NIOPosix
import SpruceCore
import SpruceDelivery
import SpruceStore

/// Adding a member: an emailed, single-use, expiring link to set a password (`/join/{token}`), delivered through
/// the same outbox or sendmail as patient invitations.
extension WorkspaceController {
    static let addMember = Endpoint(.post, "/workspace/team")
    static let revokeTeamInvitation = Endpoint(.post, "/workspace/team/invitations/{id}/revoke")
    static let resendTeamInvitation = Endpoint(.post, "/workspace/team/invitations/{id}/resend")

    /// `POST /workspace/team`: invites someone to the team by email (admins).
    func addMember(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = context.form
        let kept = ["name": form["name"] ?? "", "email": form["email"] ?? "", "role": form["role"] ?? "staff"]
        do {
            let role = try MemberRole(parsing: form["role"] ?? "staff")
            let (invitation, token) = try await store.inviteMember(
                name: form["name"] ?? "", email: form["email"] ?? "", role: role, invitedBy: desk.member.id,
                in: desk.scope, of: desk.organization.id)
            try await deliverTeamInvitation(invitation, token: token, desk: desk)
            return pages.redirect("/workspace/team?notice=invited-member")
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            return try await renderTeam(
                desk: desk, error: nil, form: kept, errors: [field: sentence], status: status, request: request,
                context: context)
        }
    }

    /// Emails the set-password link of `invitation` through the outbox or sendmail.
    func deliverTeamInvitation(_ invitation: TeamInvitation, token: InvitationToken, desk: Desk) async throws {
        let message = TeamInvitationEmail.build(
            practiceName: desk.organization.profile.displayName, inviterName: desk.member.name,
            from: dispatcher.from,
            to: MailboxAddress(displayName: invitation.name, email: try EmailAddress(parsing: invitation.email)),
            link: publicURL + "/join/" + token.rawValue, expiresAt: invitation.expiresAt,
            lineBreak: { if case .outbox = dispatcher.emailRoute { "\n" } else { "\r\n" } }())
        let (outbox, route) = (dispatcher.outbox, dispatcher.emailRoute)
        try await dispatcher.threadPool.runIfActive {
            switch route {
            case .outbox: try outbox.deliverOtherEmail(message)
            case .sendmail(let transport): try transport.send(message)
            }
        }
    }

    func teamInvitationID(_ context: SpruceRequestContext) throws -> Int64 {
        guard let raw = context.parameters.get("id", as: Int64.self), raw > 0 else {
            throw StoreError.teamInvitationNotFound
        }
        return raw
    }

    /// `POST /workspace/team/invitations/{id}/revoke`: the invitation's link stops working at once (admins).
    func revokeTeamInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        try await store.revokeTeamInvitation(try teamInvitationID(context), in: desk.scope)
        return pages.redirect("/workspace/team?notice=member-invitation-revoked")
    }

    /// `POST /workspace/team/invitations/{id}/resend`: a new link by email; the old one stops working (admins).
    func resendTeamInvitation(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let (invitation, token) = try await store.resendTeamInvitation(
            try teamInvitationID(context), invitedBy: desk.member.id, in: desk.scope)
        try await deliverTeamInvitation(invitation, token: token, desk: desk)
        return pages.redirect("/workspace/team?notice=member-invitation-resent")
    }
}
