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
}
