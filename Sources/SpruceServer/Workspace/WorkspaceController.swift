import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceDelivery
import SpruceStore

/// The practice workspace under `/workspace`: links and their codes, invitations, the profile, the team and API
/// keys, as server-rendered pages without JavaScript. It decides nothing itself: every action is a store operation
/// taken in the member's ``OrganizationScope`` (the role as stored now), the same ones the CLI and the API use, so
/// a staff member's POST to an admin action is refused by the store (403), not only by a hidden button.
struct WorkspaceController: Sendable {
    static let home = Endpoint(.get, "/workspace")
    static let links = Endpoint(.get, "/workspace/links")
    static let mint = Endpoint(.post, "/workspace/links")
    static let link = Endpoint(.get, "/workspace/links/{code}")
    static let linkPNG = Endpoint(.get, "/workspace/links/{code}/qr.png")
    static let linkSVG = Endpoint(.get, "/workspace/links/{code}/qr.svg")
    static let confirmDisable = Endpoint(.get, "/workspace/links/{code}/disable")
    static let disable = Endpoint(.post, "/workspace/links/{code}/disable")
    static let colors = Endpoint(.post, "/workspace/links/{code}/colors")
    static let invitations = Endpoint(.get, "/workspace/invitations")
    static let revokeInvitation = Endpoint(.post, "/workspace/invitations/{id}/revoke")
    static let resendInvitation = Endpoint(.post, "/workspace/invitations/{id}/resend")
    static let profile = Endpoint(.get, "/workspace/profile")
    static let saveProfile = Endpoint(.post, "/workspace/profile")
    static let team = Endpoint(.get, "/workspace/team")
    static let setRole = Endpoint(.post, "/workspace/team/{id}/role")
    static let removeMember = Endpoint(.post, "/workspace/team/{id}/remove")
    static let apiKeys = Endpoint(.get, "/workspace/api-keys")
    static let createAPIKey = Endpoint(.post, "/workspace/api-keys")
    static let revokeAPIKey = Endpoint(.post, "/workspace/api-keys/{id}/revoke")
    /// Rows per page of every workspace list.
    static let pageSize = 25

    let store: SpruceStore
    let pages: PageRenderer
    let directory: LinkDirectory
    /// Delivers the workspace's invitations (outbox or sendmail), the same dispatcher as `sprucelink invite`.
    let dispatcher: InvitationDispatcher
    /// The site's public origin: links are shown and encoded on it.
    let publicURL: String
    /// Large CSV uploads being sent in the background (in this process's memory).
    let jobs: InvitationJobs

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.home) { _, _ in pages.redirect("/workspace/links") }
        browser.on(Self.links, use: linksPage)
        browser.on(Self.mint, use: mintLink)
        browser.on(Self.link, use: linkPage)
        browser.on(Self.linkPNG) { try await download($0, $1, format: .png) }
        browser.on(Self.linkSVG) { try await download($0, $1, format: .svg) }
        browser.on(Self.confirmDisable, use: confirmDisablePage)
        browser.on(Self.disable, use: disableLink)
        browser.on(Self.colors, use: setColors)
        browser.on(Self.invitations, use: invitationsPage)
        browser.on(Self.revokeInvitation, use: revokeInvitation)
        browser.on(Self.resendInvitation, use: resendInvitation)
        browser.on(Self.profile, use: profilePage)
        browser.on(Self.saveProfile, use: saveProfile)
        browser.on(Self.team, use: teamPage)
        browser.on(Self.addMember, use: addMember)
        browser.on(Self.revokeTeamInvitation, use: revokeTeamInvitation)
        browser.on(Self.resendTeamInvitation, use: resendTeamInvitation)
        browser.on(Self.setRole, use: setRole)
        browser.on(Self.removeMember, use: removeMember)
        browser.on(Self.apiKeys, use: apiKeysPage)
        browser.on(Self.createAPIKey, use: createAPIKey)
        browser.on(Self.revokeAPIKey, use: revokeAPIKey)
        addInviteRoutes(to: browser)
    }

    /// Who is at the desk: the member, their scope (role as stored now) and their organization.
    struct Desk: Sendable {
        let member: Member
        let scope: OrganizationScope
        let organization: Organization

        var isAdmin: Bool { scope.isAdmin }
    }

    /// The logged-in member's desk (member, role as stored now, organization: one read); a login redirect for
    /// visitors and removed members, 403 for patients.
    func desk(_ context: SpruceRequestContext) async throws -> Desk {
        switch context.identity {
        case .anonymous: throw ServerError(.loginRequired)
        case .patient: throw ServerError(.forbidden("this page is for clinic staff"))
        case .member:
            guard let found = try await store.workspaceDesk(as: context.identity) else {
                throw ServerError(.loginRequired)
            }
            return Desk(member: found.member, scope: found.scope, organization: found.organization)
        }
    }

    /// The values every workspace page shares: the header, the sub-navigation with `tab` current, the role.
    func values(_ title: String, tab: String, desk: Desk, context: SpruceRequestContext) -> [String: Any] {
        var values = pages.pageValues(title, context: context, visitor: .member(desk.member))
        values["nav"] = [tab: true]
        values["isAdmin"] = desk.isAdmin
        values["organizationName"] = desk.organization.profile.displayName
        return values
    }

    /// A form's field errors as template values: `errors.<field>` holds the sentence shown next to the field.
    static func fieldError(_ error: any Error) -> (field: String, sentence: String, status: HTTPResponse.Status)? {
        let mapped = MappedError.from(error)
        guard let field = mapped.field,
            mapped.status == .unprocessableContent || mapped.status == .badRequest
                || mapped.status == .conflict
        else { return nil }
        return (field, ErrorMiddleware.sentence(mapped.detail), mapped.status)
    }

    /// The optional text of a form field: `nil` when blank.
    static func optional(_ form: FormData, _ name: String) -> String? { form.text(name) }

    static let dateFormat = Date.FormatStyle(date: .abbreviated, time: .shortened, timeZone: .gmt)

    static func shortDate(_ date: Date) -> String { date.formatted(dateFormat) + " UTC" }
}
