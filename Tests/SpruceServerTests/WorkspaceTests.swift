import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

let oakAdmin = "maya.chen@oakstreetpeds.example"
let oakStaff = "front.desk@oakstreetpeds.example"
let lumenAdmin = "priya.raman@lumenderm.example"

/// The practice workspace over a live server, as a browser without JavaScript drives it.
@Suite("Workspace pages over a live server")
struct WorkspaceTests {
    static func loggedIn(_ server: LiveServer, _ login: String) async throws -> Browser {
        let browser = server.browser()
        let page = try await browser.logIn(login)
        #expect(page.status == .seeOther, "\(login): \(page.text)")
        return browser
    }

    @Test(
        "the header shows Workspace to members; /workspace leads to the links with the sub-navigation",
        arguments: ServerTestEngine.all)
    func navigation(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let inbox = try await admin.get("/inbox")
            #expect(inbox.text.contains(#"<a href="/workspace">Workspace</a>"#))
            let home = try await admin.get("/workspace")
            #expect(home.status == .seeOther && home.location == "/workspace/links")
            let links = try await admin.get("/workspace/links")
            #expect(links.status == .ok)
            for tab in ["Links", "Invite patients", "Invitations", "Profile", "Team", "API keys"] {
                #expect(links.text.contains(">\(tab)</a>"), "\(tab)")
            }
            #expect(links.text.contains("https://spruce.care/4827163"))
            #expect(links.text.contains(#"<a href="/workspace/links" aria-current="page">Links</a>"#))
            #expect(!links.text.contains(#"<a href="/workspace/team" aria-current="page">"#))
            #expect(links.text.contains(#"value="oak-street-pediatrics-2""#) || links.text.contains("oak-street"))
            let staff = try await Self.loggedIn(server, oakStaff)
            let staffLinks = try await staff.get("/workspace/links")
            #expect(staffLinks.status == .ok)
            #expect(!staffLinks.text.contains(">Team</a>") && !staffLinks.text.contains("Create a link"))
        }
    }

    @Test(
        "minting: numeric, a vanity name, and taken, reserved or malformed names with the rule next to the field",
        arguments: ServerTestEngine.all)
    func minting(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let page = try await admin.get("/workspace/links")
            let numeric = try await admin.post(
                "/workspace/links", form: ["label": "Lobby", "tags": "lobby", "kind": "numeric"], from: page)
            #expect(numeric.status == .seeOther)
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("oak-street-pediatrics", .conflict, "already taken"),
                ("workspace", .unprocessableContent, "reserved"),
                ("Not A Slug!", .unprocessableContent, "code"),
                ("", .unprocessableContent, "Code is required"),
            ]
            for (name, status, rule) in cases {
                let refused = try await admin.post(
                    "/workspace/links", form: ["label": "Flu <b>", "kind": "vanity", "vanity": name], from: page)
                #expect(refused.status == status, "\(name): \(refused.text)")
                #expect(refused.text.contains(#"id="vanity-error""#), "\(name)")
                #expect(refused.text.lowercased().contains(rule.lowercased()), "\(name): \(rule)")
                #expect(refused.text.contains("value=\"Flu &lt;b&gt;\""), "the label is kept, escaped")
            }
            let vanity = try await admin.post(
                "/workspace/links", form: ["label": "Flu", "tags": "flu-shot", "kind": "vanity", "vanity": "oak-flu"],
                from: page)
            #expect(vanity.location == "/workspace/links/oak-flu?notice=minted")
            let link = try #require(try await server.store.link(code: try LinkCode("oak-flu")))
            #expect(link.tags.map(\.rawValue) == ["flu-shot"] && link.label == "Flu")
            let shown = try await admin.follow(vanity)
            #expect(shown.text.contains("Link created.") && shown.text.contains("https://spruce.care/oak-flu"))
        }
    }

    @Test(
        "downloads: PNG for screen and print with the DPI written and a code that decodes to the link; SVG",
        arguments: ServerTestEngine.all)
    func downloads(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await Self.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/links/4827163")
            #expect(page.status == .ok)
            #expect(page.text.contains("300 DPI") && page.text.contains("96 DPI"))
            #expect(page.text.contains("/workspace/links/4827163/print.pdf"))
            for (size, dpi) in [("screen", 96), ("print", 300), ("poster", 300)] {
                let png = try await staff.get("/workspace/links/4827163/qr.png?size=\(size)")
                #expect(png.status == .ok && png.headers[.contentType] == "image/png")
                #expect(png.headers[.contentDisposition]?.contains("attachment") == true)
                let bytes = Array(png.body.readableBytesView)
                #expect(Self.pixelsPerMeter(bytes) == Int((Double(dpi) / 0.0254).rounded()), "\(size)")
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("ws-\(UUID().uuidString).png")
                try Data(bytes).write(to: file)
                defer { try? FileManager.default.removeItem(at: file) }
                let decoded = try await runTool(["zbarimg", "--raw", "-q", file.path])
                #expect(decoded.status == 0 && decoded.output.contains("https://spruce.care/4827163"), "\(size)")
            }
            let svg = try await staff.get("/workspace/links/4827163/qr.svg")
            #expect(svg.status == .ok && svg.text.hasPrefix("<?xml") || svg.text.contains("<svg"))
            let bad = try await staff.get("/workspace/links/4827163/qr.png?size=huge")
            #expect(bad.status == .badRequest && bad.text.contains("Size must be one of"))
        }
    }

    /// The pixels per metre of a PNG's pHYs chunk.
    static func pixelsPerMeter(_ bytes: [UInt8]) -> Int? {
        let marker: [UInt8] = Array("pHYs".utf8)
        guard let start = (0..<(bytes.count - 8)).first(where: { Array(bytes[$0..<($0 + 4)]) == marker }) else {
            return nil
        }
        return bytes[(start + 4)..<(start + 8)].reduce(0) { $0 << 8 | Int($1) }
    }

    @Test(
        "QR colors: low contrast refused next to the field with the input kept; preview; save",
        arguments: ServerTestEngine.all)
    func colors(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let page = try await admin.get("/workspace/links/4827163")
            let low = try await admin.post(
                "/workspace/links/4827163/colors", form: ["foreground": "#777777", "background": "#ffffff"], from: page)
            #expect(low.status == .unprocessableContent)
            #expect(low.text.contains(#"id="foreground-error""#) && low.text.contains("4.5:1"))
            #expect(low.text.contains(##"value="#777777""##))
            let preview = try await admin.post(
                "/workspace/links/4827163/colors",
                form: ["foreground": "#1a4d2e", "background": "#f5f0e6", "preview": "1"], from: page)
            #expect(preview.status == .ok && preview.text.contains("fg=%231a4d2e"))
            #expect(try await server.store.link(code: try LinkCode("4827163"))?.qrColors == .standard)
            let previewImage = try await admin.get(
                "/workspace/links/4827163/qr.png?size=screen&fg=%231a4d2e&bg=%23f5f0e6")
            #expect(previewImage.status == .ok)
            let saved = try await admin.post(
                "/workspace/links/4827163/colors", form: ["foreground": "#1a4d2e", "background": "#f5f0e6"], from: page)
            #expect(saved.location == "/workspace/links/4827163?notice=colors")
            let link = try await server.store.link(code: try LinkCode("4827163"))
            #expect(link?.qrColors == (try QRColors(foreground: "#1a4d2e", background: "#f5f0e6")))
        }
    }

    @Test(
        "disabling asks first, naming printed codes and the pending invitations, then the link answers 410",
        arguments: ServerTestEngine.all)
    func disabling(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let code = try LinkCode("4827163")
            for email in ["ana@example.com", "bo@example.com"] {
                _ = try await server.store.prepareInvitation(
                    link: code, recipient: InvitationRecipient(email: email), channels: [], invitedBy: nil)
            }
            let confirm = try await admin.get("/workspace/links/4827163/disable")
            #expect(confirm.status == .ok)
            #expect(confirm.text.contains("printed code") && confirm.text.contains("2 pending invitation"))
            #expect(try await server.store.link(code: code)?.status == .active)
            let done = try await admin.post("/workspace/links/4827163/disable", form: [:], from: confirm)
            #expect(done.location == "/workspace/links/4827163?notice=disabled")
            #expect(try await server.store.link(code: code)?.status == .disabled)
            #expect(try await server.browser().get("/4827163").status == .gone)
        }
    }

    @Test(
        "invitations: newest first, paged by cursor, filtered by status and link; revoke is a CSRF POST",
        arguments: ServerTestEngine.all)
    func invitations(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await Self.loggedIn(server, oakStaff)
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let flyer = try await server.store.mintLinks(MintRequest(organizationID: oak.id, label: "Flyer"))[0]
            for index in 0..<30 {
                let code = index < 27 ? try LinkCode("4827163") : flyer.code
                _ = try await server.store.prepareInvitation(
                    link: code, recipient: InvitationRecipient(email: "p\(index)@example.com"), channels: [],
                    invitedBy: nil)
            }
            let first = try await staff.get("/workspace/invitations")
            #expect(first.status == .ok)
            #expect(first.text.contains("p29@example.com") && !first.text.contains("p4@example.com"))
            let firstIndex = try #require(first.text.range(of: "p29@example.com")?.lowerBound)
            let laterIndex = try #require(first.text.range(of: "p28@example.com")?.lowerBound)
            #expect(firstIndex < laterIndex)
            let next = try #require(first.text.range(of: #"href="/workspace/invitations?before="#))
            let href = String(first.text[next.upperBound...].prefix { $0 != "\"" })
            let second = try await staff.get("/workspace/invitations?before=" + href)
            #expect(second.text.contains("p0@example.com") && !second.text.contains("p29@example.com"))

            let byLink = try await staff.get("/workspace/invitations?link=\(flyer.code.rawValue)")
            #expect(byLink.text.contains("p27@example.com") && !byLink.text.contains("p26@example.com"))

            let record = try #require(try await server.store.invitationRecords(of: oak.id).first)
            let form = try await staff.get("/workspace/invitations")
            let noToken = try await staff.post(
                "/workspace/invitations/\(record.invitation.id.rawValue)/revoke", form: [:], csrf: "forged")
            #expect(noToken.status == .forbidden)
            let revoked = try await staff.post(
                "/workspace/invitations/\(record.invitation.id.rawValue)/revoke", form: [:], from: form)
            #expect(revoked.location == "/workspace/invitations?notice=revoked")
            let listed = try await staff.get("/workspace/invitations?status=revoked")
            #expect(listed.text.contains(record.invitation.recipient.email ?? "?"))
            #expect(!listed.text.contains("p0@example.com"))
            _ = try await server.store.optOut(address: "p1@example.com")
            let opted = try await staff.get("/workspace/invitations?status=opted-out")
            #expect(opted.text.contains("p1@example.com") && opted.text.contains("opted out"))
            let bad = try await staff.get("/workspace/invitations?status=lost")
            #expect(bad.status == .badRequest && bad.text.contains("Status must be one of"))
        }
    }

    @Test(
        "profile: the CLI's validation with the rule next to the field and input kept; saved, the public page shows it",
        arguments: ServerTestEngine.all)
    func profile(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let page = try await admin.get("/workspace/profile")
            #expect(page.status == .ok && page.text.contains(#"value="Oak Street Pediatrics""#))
            let empty = try await admin.post(
                "/workspace/profile", form: ["displayName": " ", "hours": "Mon–Sat 8–6"], from: page)
            #expect(empty.status == .unprocessableContent)
            #expect(empty.text.contains(#"id="displayName-error""#) && empty.text.contains(#"value="Mon–Sat 8–6""#))
            let saved = try await admin.post(
                "/workspace/profile",
                form: [
                    "displayName": "Oak Street Pediatrics", "specialty": "Pediatrics", "hours": "Mon–Sat 8–6",
                    "acceptsNewPatients": "yes",
                ], from: page)
            #expect(saved.location == "/workspace/profile?notice=profile")
            var shown = ""
            let deadline = ContinuousClock.now + .seconds(5)
            while !shown.contains("Mon–Sat 8–6"), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                shown = try await server.browser().get("/4827163").text
            }
            #expect(shown.contains("Mon–Sat 8–6"))
        }
    }

    @Test(
        "team: roles change, the last admin stays, a removed member's session ends at once",
        arguments: ServerTestEngine.all)
    func team(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let staff = try await Self.loggedIn(server, oakStaff)
            let page = try await admin.get("/workspace/team")
            #expect(page.status == .ok && page.text.contains(oakStaff) && page.text.contains("admin"))
            let maya = try #require(try await server.store.member(email: oakAdmin))
            let desk = try #require(try await server.store.member(email: oakStaff))
            let last = try await admin.post(
                "/workspace/team/\(maya.id.rawValue)/role", form: ["role": "staff"], from: page)
            #expect(last.status == .conflict && last.text.contains("at least one admin"))
            let promoted = try await admin.post(
                "/workspace/team/\(desk.id.rawValue)/role", form: ["role": "admin"], from: page)
            #expect(promoted.location == "/workspace/team?notice=role")
            #expect(try await staff.get("/workspace/team").status == .ok)
            let demoted = try await admin.post(
                "/workspace/team/\(desk.id.rawValue)/role", form: ["role": "staff"], from: page)
            #expect(demoted.status == .seeOther)
            #expect(try await staff.get("/workspace/team").status == .forbidden)
            let removed = try await admin.post("/workspace/team/\(desk.id.rawValue)/remove", form: [:], from: page)
            #expect(removed.location == "/workspace/team?notice=removed")
            let after = try await staff.get("/workspace/links")
            #expect(after.status == .seeOther && after.location?.hasPrefix("/login") == true)
            #expect(try await staff.logIn(oakStaff).status != .seeOther)
        }
    }

    @Test(
        "API keys: created and shown once, listed by prefix with label, role and last use, revoked",
        arguments: ServerTestEngine.all)
    func apiKeys(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let admin = try await Self.loggedIn(server, oakAdmin)
            let page = try await admin.get("/workspace/api-keys")
            #expect(page.status == .ok && page.text.contains("No API keys yet."))
            let long = try await admin.post(
                "/workspace/api-keys", form: ["label": String(repeating: "x", count: 201), "role": "staff"], from: page)
            #expect(long.status == .unprocessableContent && long.text.contains(#"id="label-error""#))
            let created = try await admin.post(
                "/workspace/api-keys", form: ["label": "Kiosk", "role": "staff"], from: page)
            #expect(created.status == .created)
            let key = try #require(
                created.text.range(of: #"<code id="new-key">"#).map {
                    String(created.text[$0.upperBound...].prefix { $0 != "<" })
                })
            #expect(key.hasPrefix("spk_"))
            let listed = try await admin.get("/workspace/api-keys")
            #expect(!listed.text.contains(key) && listed.text.contains(String(key.prefix(10))))
            #expect(listed.text.contains("Kiosk") && listed.text.contains("staff") && listed.text.contains("Never"))
            var headers: HTTPFields = [:]
            headers[.authorization] = "Bearer \(key)"
            #expect(try await server.browser().get("/api/v1/links", headers: headers).status == .ok)
            #expect(!(try await admin.get("/workspace/api-keys")).text.contains("Never"))
            let id = try #require(
                try await server.store.apiKeys(of: try await server.organization(named: "Oak Street Pediatrics").id)
                    .first?.id)
            let revoked = try await admin.post("/workspace/api-keys/\(id)/revoke", form: [:], from: listed)
            #expect(revoked.location == "/workspace/api-keys?notice=key-revoked")
            #expect(try await server.browser().get("/api/v1/links", headers: headers).status == .unauthorized)
        }
    }
}
