import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Adding a team member by email over a live server")
struct TeamJoinTests {
    @Test(
        "an admin invites; the emailed link sets a password once; the new member lands in the workspace",
        arguments: ServerTestEngine.all)
    func joins(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await WorkspaceTests.loggedIn(server, oakAdmin)
            let team = try await admin.get("/workspace/team")
            let taken = try await admin.post(
                "/workspace/team", form: ["name": "Maya", "email": oakStaff, "role": "staff"], from: team)
            #expect(taken.status == .conflict && taken.text.contains(#"id="email-error""#))
            #expect(taken.text.contains("value=\"\(oakStaff)\""))
            let bad = try await admin.post(
                "/workspace/team", form: ["name": "", "email": "kim@oak.example", "role": "staff"], from: team)
            #expect(bad.status == .unprocessableContent && bad.text.contains(#"id="name-error""#))
            let sent = try await admin.post(
                "/workspace/team", form: ["name": "Nurse Kim", "email": "kim@oak.example", "role": "staff"], from: team)
            #expect(sent.location == "/workspace/team?notice=invited-member")
            let folder = server.outboxFolder.appendingPathComponent("new")
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(files.count == 1)
            let mail = String(decoding: try Data(contentsOf: folder.appendingPathComponent(files[0])), as: UTF8.self)
            #expect(mail.contains("To: Nurse Kim <kim@oak.example>") && mail.contains("Join Oak Street Pediatrics"))
            let range = try #require(mail.range(of: "https://spruce.care/join/"))
            let token = String(mail[range.upperBound...].prefix { $0.isLetter || $0.isNumber })
            #expect(token.count == 26)

            let kim = server.browser()
            let form = try await kim.get("/join/\(token)")
            #expect(form.status == .ok && form.text.contains("kim@oak.example"))
            let short = try await kim.post("/join/\(token)", form: ["password": "short"], from: form)
            #expect(short.status == .unprocessableContent && short.text.contains(#"id="password-error""#))
            let joined = try await kim.post("/join/\(token)", form: ["password": "kim's long password"], from: form)
            #expect(joined.location == "/workspace/links")
            #expect(try await kim.get("/workspace/links").status == .ok)
            #expect(try await kim.get("/workspace/team").status == .forbidden)
            #expect(try await server.store.member(email: "kim@oak.example")?.role == .staff)
            let again = try await server.browser().get("/join/\(token)")
            #expect(again.status == .gone)
            #expect(try await server.browser().get("/join/abcdefghjkmnpqrstuvwxyz234").status == .gone)
        }
    }

    /// The set-password tokens in the outbox's emails to `email`.
    static func joinTokens(_ server: LiveServer, to email: String) throws -> Set<String> {
        let folder = server.outboxFolder.appendingPathComponent("new")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        return Set(
            try files.compactMap { file in
                let mail = String(decoding: try Data(contentsOf: folder.appendingPathComponent(file)), as: UTF8.self)
                guard mail.contains("<\(email)>") else { return nil }
                return mail.range(of: "https://spruce.care/join/").map {
                    String(mail[$0.upperBound...].prefix { $0.isLetter || $0.isNumber })
                }
            })
    }

    /// A page's text without its CSRF tokens, which differ per session.
    static func withoutTokens(_ text: String) throws -> String {
        text.replacing(try Regex(#"name="csrf_token" value="[^"]*""#), with: "")
    }

    @Test(
        "pending team invitations: listed; Revoke kills the token like an unknown one; Resend mails a fresh one",
        arguments: ServerTestEngine.all)
    func pendingInvitations(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await WorkspaceTests.loggedIn(server, oakAdmin)
            let team = try await admin.get("/workspace/team")
            #expect(team.text.contains(#"id="no-pending-invitations""#))
            for (name, email, role) in [
                ("Nurse Kim", "kim@oak.example", "staff"), ("Dr Lee", "lee@oak.example", "admin"),
            ] {
                let sent = try await admin.post(
                    "/workspace/team", form: ["name": name, "email": email, "role": role],
                    from: team)
                #expect(sent.location == "/workspace/team?notice=invited-member")
            }
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let pending = try await server.store.pendingTeamInvitations(in: .only(oak.id), of: oak.id)
            #expect(pending.map(\.email) == ["lee@oak.example", "kim@oak.example"])
            let (lee, kim) = (pending[0], pending[1])
            let listed = try await admin.get("/workspace/team")
            #expect(listed.text.contains(#"id="pending-invitations""#))
            let kimStart = try #require(listed.text.range(of: "id=\"team-invitation-\(kim.id)\""))
            let kimEnd = try #require(listed.text[kimStart.upperBound...].range(of: "</tr>"))
            let kimRow = String(listed.text[kimStart.upperBound..<kimEnd.lowerBound])
            #expect(kimRow.contains("kim@oak.example") && kimRow.contains(">staff<"))
            #expect(kimRow.contains(WorkspaceController.shortDate(kim.createdAt)))
            #expect(kimRow.contains(WorkspaceController.shortDate(kim.expiresAt)))
            #expect(kimRow.contains("/workspace/team/invitations/\(kim.id)/revoke"))
            let kimToken = try #require(try Self.joinTokens(server, to: "kim@oak.example").first)
            let leeTokens = try Self.joinTokens(server, to: "lee@oak.example")
            let leeToken = try #require(leeTokens.first)
            #expect(leeTokens.count == 1)
            #expect(try await server.browser().get("/join/\(kimToken)").status == .ok)

            for action in ["revoke", "resend"] {
                let forged = try await admin.post(
                    "/workspace/team/invitations/\(kim.id)/\(action)", form: [:], csrf: "forged")
                #expect(forged.status == .forbidden, "\(action) without the form's CSRF token")
            }
            #expect(try await server.browser().get("/join/\(kimToken)").status == .ok)
            #expect(try Self.joinTokens(server, to: "kim@oak.example").count == 1)
            let revoked = try await admin.post("/workspace/team/invitations/\(kim.id)/revoke", form: [:], from: listed)
            #expect(revoked.location == "/workspace/team?notice=member-invitation-revoked")
            let visitor = server.browser()
            let dead = try await visitor.get("/join/\(kimToken)")
            let unknown = try await visitor.get("/join/abcdefghjkmnpqrstuvwxyz234")
            #expect(dead.status == .gone && dead.status == unknown.status)
            #expect(try Self.withoutTokens(dead.text) == Self.withoutTokens(unknown.text))
            let deadPost = try await visitor.post(
                "/join/\(kimToken)", form: ["password": "kim's long password"], from: try await visitor.get("/login"))
            #expect(deadPost.status == .gone)
            #expect(try await server.store.member(email: "kim@oak.example") == nil)
            let twice = try await admin.post("/workspace/team/invitations/\(kim.id)/revoke", form: [:], from: listed)
            #expect(twice.status == .notFound)

            let resent = try await admin.post("/workspace/team/invitations/\(lee.id)/resend", form: [:], from: listed)
            #expect(resent.location == "/workspace/team?notice=member-invitation-resent")
            let after = try Self.joinTokens(server, to: "lee@oak.example")
            try #require(after.count == 2)
            let freshToken = try #require(after.subtracting(leeTokens).first)
            #expect(try await visitor.get("/join/\(leeToken)").status == .gone)
            let fresh = try await visitor.get("/join/\(freshToken)")
            #expect(fresh.status == .ok && fresh.text.contains("lee@oak.example"))
            let now = try await server.store.pendingTeamInvitations(in: .only(oak.id), of: oak.id)
            #expect(now.count == 1 && now[0].email == "lee@oak.example" && now[0].role == .admin && now[0].id != lee.id)
            let oldAgain = try await admin.post("/workspace/team/invitations/\(lee.id)/resend", form: [:], from: listed)
            #expect(oldAgain.status == .notFound)
            let page = try await admin.get("/workspace/team")
            #expect(!page.text.contains("kim@oak.example") && page.text.contains("id=\"team-invitation-\(now[0].id)\""))
            let joined = try await visitor.post(
                "/join/\(freshToken)", form: ["password": "lee's long password"],
                from: fresh)
            #expect(joined.location == "/workspace/links")
            #expect(try await server.store.member(email: "lee@oak.example")?.role == .admin)
            let empty = try await admin.get("/workspace/team")
            #expect(empty.text.contains(#"id="no-pending-invitations""#))
        }
    }
}
