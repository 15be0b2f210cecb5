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
            return pages.redirect("/workspace/team?notice=invited-member")
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            return try await renderTeam(
                desk: desk, error: nil, form: kept, errors: [field: sentence], status: status, request: request,
                context: context)
        }
    }
}
