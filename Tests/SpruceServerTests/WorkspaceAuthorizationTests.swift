import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

/// Every workspace action × who asks: the store decides, and the pages answer 403 for staff on admin actions and
/// for patients, a login for anonymous visitors, and for another practice's records exactly what a missing record
/// gets.
@Suite("Workspace authorization matrix")
struct WorkspaceAuthorizationTests {
    enum Who: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case admin, staff, otherPractice, patient, anonymous
        var testDescription: String { rawValue }
    }

    /// One action on Oak Street Pediatrics' records; `path` gets the ids of the records it names.
    struct Action: Sendable {
        let name: String
        let method: HTTPRequest.Method
        let path: @Sendable (Ids) -> String
        let form: [String: String]
        /// Status per asker; anonymous GETs go to the login page (303), anonymous POSTs get 401.
        let expected: [Who: HTTPResponse.Status]
    }

    struct Ids: Sendable {
        let invitation: Int64
        let member: Int64
        let key: Int64
        /// Two pending invitations to Oak's team: one to resend, one to revoke.
        let teamInvitations: (resend: Int64, revoke: Int64)
    }

    static func expect(
        admin: HTTPResponse.Status, staff: HTTPResponse.Status, other: HTTPResponse.Status, get: Bool
    ) -> [Who: HTTPResponse.Status] {
        [
            .admin: admin, .staff: staff, .otherPractice: other, .patient: .forbidden,
            .anonymous: get ? .seeOther : .unauthorized,
        ]
    }

    /// Destructive actions last, so the reads before them see the records.
    static let actions: [Action] = [
        Action(
            name: "list links", method: .get, path: { _ in "/workspace/links" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .ok, get: true)),
        Action(
            name: "read a link", method: .get, path: { _ in "/workspace/links/4827163" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .notFound, get: true)),
        Action(
            name: "download PNG", method: .get, path: { _ in "/workspace/links/4827163/qr.png?size=print" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .notFound, get: true)),
        Action(
            name: "download SVG", method: .get, path: { _ in "/workspace/links/4827163/qr.svg" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .notFound, get: true)),
        Action(
            name: "print PDF", method: .get, path: { _ in "/workspace/links/4827163/print.pdf" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .notFound, get: true)),
        Action(
            name: "mint a link", method: .post, path: { _ in "/workspace/links" }, form: ["kind": "numeric"],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .seeOther, get: false)),
        Action(
            name: "ask to disable", method: .get, path: { _ in "/workspace/links/4827163/disable" }, form: [:],
            expected: expect(admin: .ok, staff: .forbidden, other: .notFound, get: true)),
        Action(
            name: "set QR colors", method: .post, path: { _ in "/workspace/links/4827163/colors" },
            form: ["foreground": "#1a4d2e", "background": "#ffffff"],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "list invitations", method: .get, path: { _ in "/workspace/invitations" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .ok, get: true)),
        Action(
            name: "resend an invitation", method: .post, path: { "/workspace/invitations/\($0.invitation)/resend" },
            form: [:], expected: expect(admin: .seeOther, staff: .seeOther, other: .notFound, get: false)),
        Action(
            name: "revoke an invitation", method: .post, path: { "/workspace/invitations/\($0.invitation)/revoke" },
            form: [:], expected: expect(admin: .seeOther, staff: .seeOther, other: .notFound, get: false)),
        Action(
            name: "open the invite page", method: .get, path: { _ in "/workspace/invite" }, form: [:],
            expected: expect(admin: .ok, staff: .ok, other: .ok, get: true)),
        Action(
            name: "invite a patient through Oak's link", method: .post, path: { _ in "/workspace/invite" },
            form: ["email": "new.patient@example.com", "link": "4827163"],
            expected: expect(admin: .seeOther, staff: .seeOther, other: .unprocessableContent, get: false)),
        Action(
            name: "read the profile", method: .get, path: { _ in "/workspace/profile" }, form: [:],
            expected: expect(admin: .ok, staff: .forbidden, other: .ok, get: true)),
        Action(
            name: "save the profile", method: .post, path: { _ in "/workspace/profile" },
            form: ["displayName": "Renamed Practice"],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .seeOther, get: false)),
        Action(
            name: "see the team", method: .get, path: { _ in "/workspace/team" }, form: [:],
            expected: expect(admin: .ok, staff: .forbidden, other: .ok, get: true)),
        Action(
            name: "add a member", method: .post, path: { _ in "/workspace/team" },
            form: ["name": "New Person", "email": "new.person@example.com", "role": "staff"],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .seeOther, get: false)),
        Action(
            name: "resend a team invitation", method: .post,
            path: { "/workspace/team/invitations/\($0.teamInvitations.resend)/resend" }, form: [:],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "revoke a team invitation", method: .post,
            path: { "/workspace/team/invitations/\($0.teamInvitations.revoke)/revoke" }, form: [:],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "change a role", method: .post, path: { "/workspace/team/\($0.member)/role" },
            form: ["role": "staff"],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "see API keys", method: .get, path: { _ in "/workspace/api-keys" }, form: [:],
            expected: expect(admin: .ok, staff: .forbidden, other: .ok, get: true)),
        Action(
            name: "create an API key", method: .post, path: { _ in "/workspace/api-keys" }, form: ["label": "x"],
            expected: expect(admin: .created, staff: .forbidden, other: .created, get: false)),
        Action(
            name: "revoke an API key", method: .post, path: { "/workspace/api-keys/\($0.key)/revoke" }, form: [:],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "remove a member", method: .post, path: { "/workspace/team/\($0.member)/remove" }, form: [:],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
        Action(
            name: "disable a link", method: .post, path: { _ in "/workspace/links/4827163/disable" }, form: [:],
            expected: expect(admin: .seeOther, staff: .forbidden, other: .notFound, get: false)),
    ]

    @Test(
        "every workspace action × admin, staff, another practice's member, patient, anonymous",
        arguments: ServerTestEngine.all, Who.allCases)
    func matrix(engine: ServerTestEngine, who: Who) async throws {
        try await withLiveServer(engine: engine) { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (invitation, _) = try await server.store.prepareInvitation(
                link: try LinkCode("4827163"), recipient: InvitationRecipient(email: "ana@example.com"), channels: [],
                invitedBy: nil
            ).createdRecord()
            let desk = try #require(try await server.store.member(email: oakStaff))
            let (_, key) = try await server.store.createAPIKey(for: oak.id, label: "EHR")
            let teamInvitations = try await Self.teamInvitations(server, of: oak.id)
            let ids = Ids(
                invitation: invitation.invitation.id.rawValue, member: desk.id.rawValue, key: key.id,
                teamInvitations: teamInvitations)
            _ = try await server.store.signUpPatient(
                AccountDetails(name: "Ana", email: "ana.patient@example.com", password: "patient password 1"))
            let browser = server.browser()
            switch who {
            case .admin: #expect(try await browser.logIn(oakAdmin).status == .seeOther)
            case .staff: #expect(try await browser.logIn(oakStaff).status == .seeOther)
            case .otherPractice: #expect(try await browser.logIn(lumenAdmin).status == .seeOther)
            case .patient:
                #expect(
                    try await browser.logIn("ana.patient@example.com", password: "patient password 1").status
                        == .seeOther)
            case .anonymous: break
            }
            let formPage = try await browser.get("/login")
            let csrf = try #require(formPage.csrfToken)
            let csrfFor = { (page: Page) in page.csrfToken ?? csrf }
            let home = try await browser.get("/")
            let token = csrfFor(home)
            for action in Self.actions {
                let path = action.path(ids)
                let page =
                    action.method == .get
                    ? try await browser.get(path)
                    : try await browser.post(path, form: action.form, csrf: token)
                let expected = action.expected[who] ?? .forbidden
                #expect(page.status == expected, "\(action.name) as \(who): \(page.status) \(page.text.prefix(300))")
                if action.method == .get, page.status == .seeOther {
                    #expect(page.location?.hasPrefix("/login?next=") == true, "\(action.name)")
                }
            }
            let link = try await server.store.link(code: try LinkCode("4827163"))
            #expect((link?.status == .disabled) == (who == .admin))
            #expect((try await server.store.member(email: oakStaff) == nil) == (who == .admin))
            let oakNow = try await server.store.organization(id: oak.id)
            #expect((oakNow?.profile.displayName == "Renamed Practice") == (who == .admin))
            let pending = try await server.store.pendingTeamInvitations(in: .everyOrganization, of: oak.id).map(\.id)
            #expect(pending.contains(teamInvitations.revoke) == (who != .admin))
            #expect(pending.contains(teamInvitations.resend) == (who != .admin))
        }
    }

    /// Two pending invitations to the team of `organizationID`, as its admin would send them.
    static func teamInvitations(_ server: LiveServer, of organizationID: OrganizationID) async throws
        -> (resend: Int64, revoke: Int64)
    {
        let resend = try await server.store.inviteMember(
            name: "Resend Me", email: "resend.me@oak.example", role: .staff, invitedBy: nil, in: .only(organizationID),
            of: organizationID)
        let revoke = try await server.store.inviteMember(
            name: "Revoke Me", email: "revoke.me@oak.example", role: .staff, invitedBy: nil, in: .only(organizationID),
            of: organizationID)
        return (resend.invitation.id, revoke.invitation.id)
    }

    @Test(
        "another practice's link, invitation, member and key answer exactly like missing ones",
        arguments: ServerTestEngine.all)
    func likeMissing(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (invitation, _) = try await server.store.prepareInvitation(
                link: try LinkCode("4827163"), recipient: InvitationRecipient(email: "ana@example.com"), channels: [],
                invitedBy: nil
            ).createdRecord()
            let desk = try #require(try await server.store.member(email: oakStaff))
            let (_, key) = try await server.store.createAPIKey(for: oak.id, label: "EHR")
            let teamInvitations = try await Self.teamInvitations(server, of: oak.id)
            let other = server.browser()
            #expect(try await other.logIn(lumenAdmin).status == .seeOther)
            let home = try await other.get("/workspace/links")
            let pairs: [(HTTPRequest.Method, String, String)] = [
                (.get, "/workspace/links/4827163", "/workspace/links/99999999"),
                (.get, "/workspace/links/4827163/qr.png", "/workspace/links/99999999/qr.png"),
                (.get, "/workspace/links/4827163/disable", "/workspace/links/99999999/disable"),
                (.post, "/workspace/links/4827163/disable", "/workspace/links/99999999/disable"),
                (
                    .post, "/workspace/invitations/\(invitation.invitation.id.rawValue)/revoke",
                    "/workspace/invitations/999999/revoke"
                ),
                (.post, "/workspace/team/\(desk.id.rawValue)/role", "/workspace/team/999999/role"),
                (.post, "/workspace/team/\(desk.id.rawValue)/remove", "/workspace/team/999999/remove"),
                (.post, "/workspace/api-keys/\(key.id)/revoke", "/workspace/api-keys/999999/revoke"),
                (
                    .post, "/workspace/team/invitations/\(teamInvitations.revoke)/revoke",
                    "/workspace/team/invitations/999999/revoke"
                ),
                (
                    .post, "/workspace/team/invitations/\(teamInvitations.resend)/resend",
                    "/workspace/team/invitations/999999/resend"
                ),
            ]
            for (method, existing, missing) in pairs {
                let form = ["role": "staff"]
                let one =
                    method == .get
                    ? try await other.get(existing) : try await other.post(existing, form: form, from: home)
                let two =
                    method == .get
                    ? try await other.get(missing) : try await other.post(missing, form: form, from: home)
                #expect(one.status == .notFound, "\(existing)")
                #expect(one.status == two.status && one.text == two.text, "\(existing) vs \(missing)")
            }
        }
    }
}

extension InvitationPreparation {
    /// The record and token of a newly created invitation; fails the test otherwise.
    func createdRecord() throws -> (InvitationRecord, InvitationToken) {
        guard case .created(let record, let token) = self else {
            throw FixtureError(description: "no invitation was created: \(self)")
        }
        return (record, token)
    }
}
