import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

extension Browser {
    /// Posts a `multipart/form-data` form with one file, as a browser's file input sends it.
    func upload(
        _ uri: String, fields: [String: String], file: (name: String, filename: String, bytes: [UInt8]),
        csrf: String?
    ) async throws -> Page {
        let boundary = "----SpruceTest\(UUID().uuidString)"
        var body = ByteBuffer()
        var all = fields
        if let csrf { all["csrf_token"] = csrf }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
                + "Content-Type: text/csv\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return try await request(
            uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
    }
}

@Suite("Inviting patients from the workspace over a live server")
struct WorkspaceInviteTests {
    static func emails(_ server: LiveServer) throws -> [String] {
        let folder = server.outboxFolder.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.map {
            String(decoding: try Data(contentsOf: folder.appendingPathComponent($0)), as: UTF8.self)
        }
    }

    @Test(
        "one patient: preview of the email and the text with its segments, then sent through the outbox",
        arguments: ServerTestEngine.all)
    func invitesOne(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            #expect(page.status == .ok && page.text.contains(#"<option value="4827163" selected>"#))
            let form = ["name": "Ana Souza", "email": "ana@example.com", "phone": "", "link": "4827163"]
            var previewForm = form
            previewForm["preview"] = "1"
            let preview = try await staff.post("/workspace/invite", form: previewForm, from: page)
            #expect(preview.status == .ok && preview.text.contains(#"id="email-preview""#))
            #expect(preview.text.contains("Oak Street Pediatrics") && preview.text.contains("GSM-7"))
            #expect(preview.text.contains("segment(s)") && preview.text.contains(#"value="Ana Souza""#))
            #expect(try Self.emails(server).isEmpty)
            let sent = try await staff.post("/workspace/invite", form: form, from: page)
            #expect(
                sent.status == .seeOther && sent.location?.hasPrefix("/workspace/invitations?notice=invited") == true)
            let mails = try Self.emails(server)
            #expect(mails.count == 1 && mails[0].contains("ana@example.com"))
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let record = try #require(try await server.store.invitationRecords(of: oak.id).first)
            #expect(record.invitedBy == oakStaff && record.emailDeliveredAt != nil)
            let list = try await staff.get("/workspace/invitations")
            let resent = try await staff.post(
                "/workspace/invitations/\(record.invitation.id.rawValue)/resend", form: [:], from: list)
            #expect(resent.location == "/workspace/invitations?notice=resent", "\(resent.text)")
            #expect(try Self.emails(server).count == 2)
            let records = try await server.store.invitationRecords(of: oak.id)
            #expect(
                records.count == 2 && records[1].invitation.revokedAt != nil && records[0].invitation.revokedAt == nil)
            let again = try await staff.post("/workspace/invite", form: form, from: page)
            #expect(again.status == .conflict && again.text.contains(#"id="email-error""#))
            #expect(again.text.lowercased().contains("already"))
            let bad = try await staff.post(
                "/workspace/invite", form: ["name": "Bo", "email": "not-an-email", "link": "4827163"], from: page)
            #expect(bad.status == .unprocessableContent && bad.text.contains(#"id="email-error""#))
            #expect(bad.text.contains(#"value="not-an-email""#))
            let foreign = try await staff.post(
                "/workspace/invite", form: ["email": "cy@example.com", "link": "3914805"], from: page)
            #expect(foreign.status == .unprocessableContent && foreign.text.contains(#"id="link-error""#))
            #expect(try Self.emails(server).count == 2)
        }
    }

    /// An outbox email with its quoted-printable parts decoded (soft line breaks joined, `=XX` as bytes).
    static func decodedQP(_ mail: String) -> String {
        let bytes = Array(mail.replacingOccurrences(of: "=\n", with: "").utf8)
        var out: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "="), index + 2 < bytes.count,
                let value = UInt8(String(decoding: bytes[index + 1...index + 2], as: UTF8.self), radix: 16)
            {
                out.append(value)
                index += 3
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func texts(_ server: LiveServer) throws -> [[String: Any]] {
        let file = server.outboxFolder.appendingPathComponent("texts.jsonl")
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try #require(try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any])
        }
    }

    @Test(
        "a personal message: previewed in the email and the text (UCS-2 with an emoji), sent in both, escaped",
        arguments: ServerTestEngine.all)
    func personalMessage(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            #expect(page.text.contains(#"id="message-rule">at most 500 characters"#))
            var form = [
                "name": "Ana", "email": "ana@example.com", "phone": "(217) 555-0100", "link": "4827163",
                "message": "See you Tuesday",
            ]
            var previewForm = form
            previewForm["preview"] = "1"
            let plain = try await staff.post("/workspace/invite", form: previewForm, from: page)
            #expect(plain.status == .ok && plain.text.contains("GSM-7"), "\(plain.text)")
            #expect(plain.text.contains("A message from Oak Street Pediatrics:\n\nSee you Tuesday"))
            #expect(plain.text.contains("invites you to Spruce. See you Tuesday Get the app"))
            form["message"] = "See you Tuesday <b>&</b> 😀"
            previewForm["message"] = form["message"]
            let emoji = try await staff.post("/workspace/invite", form: previewForm, from: page)
            #expect(emoji.text.contains("UCS-2") && !emoji.text.contains("GSM-7"), "\(emoji.text)")
            #expect(emoji.text.contains("See you Tuesday &lt;b&gt;&amp;&lt;/b&gt; 😀"))
            #expect(!emoji.text.contains("<b>&</b>"))
            #expect(emoji.text.contains(">See you Tuesday &lt;b&gt;&amp;&lt;/b&gt; 😀</textarea>"))
            #expect(try Self.emails(server).isEmpty)

            let sent = try await staff.post("/workspace/invite", form: form, from: page)
            #expect(sent.status == .seeOther, "\(sent.text)")
            let mails = try Self.emails(server).map(Self.decodedQP)
            try #require(mails.count == 1)
            #expect(mails[0].contains("A message from Oak Street Pediatrics:\n\nSee you Tuesday <b>&</b> 😀\n"))
            #expect(mails[0].contains(#"<blockquote style="white-space: pre-line;">See you Tuesday &lt;b&gt;"#))
            #expect(mails[0].components(separatedBy: "<b>&</b>").count == 2, "only in the plain-text part")
            let texts = try Self.texts(server)
            try #require(texts.count == 1)
            #expect((texts[0]["body"] as? String)?.contains("See you Tuesday <b>&</b> 😀 Get the app") == true)
            #expect(texts[0]["encoding"] as? String == "ucs2")

            for (message, rule) in [
                (String(repeating: "x", count: 501), "501 characters long; at most 500 are allowed"),
                ("Ring \u{7} twice", "may not hold control characters (U+0007)"),
            ] {
                var bad = form
                bad["email"] = "bo@example.com"
                bad["message"] = message
                let refused = try await staff.post("/workspace/invite", form: bad, from: page)
                #expect(refused.status == .unprocessableContent, "\(refused.text)")
                #expect(refused.text.contains(#"id="message-error""#) && refused.text.contains(rule))
                #expect(refused.text.contains(#"value="bo@example.com""#))
            }
            #expect(try Self.emails(server).count == 1)

            let csv = "name,email,phone\nCy,cy@example.com,\n"
            let tooLong = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163", "message": String(repeating: "y", count: 501)],
                file: ("csv", "p.csv", Array(csv.utf8)), csrf: page.csrfToken)
            #expect(tooLong.status == .unprocessableContent && tooLong.text.contains(#"id="csv-message-error""#))
            #expect(tooLong.text.contains(String(repeating: "y", count: 501) + "</textarea>"))
            let uploaded = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163", "message": "Welcome to <i>Oak</i>"],
                file: ("csv", "p.csv", Array(csv.utf8)), csrf: page.csrfToken)
            #expect(uploaded.text.contains("1 sent · 0 skipped · 0 failed"), "\(uploaded.text)")
            let all = try Self.emails(server).map(Self.decodedQP)
            #expect(all.count == 2)
            #expect(all.contains { $0.contains("cy@example.com") && $0.contains("Welcome to &lt;i&gt;Oak&lt;/i&gt;") })
        }
    }

    @Test(
        "CSV upload: good rows sent, bad rows and duplicates reported by row, a report to download",
        arguments: ServerTestEngine.all)
    func uploadsCSV(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            _ = try await server.store.optOut(address: "gone@example.com")
            let page = try await staff.get("/workspace/invite")
            let csv = """
                \u{FEFF}name,email,phone
                "Souza, Ana",ana@example.com,
                Bo,not-an-email,
                Cy,cy@example.com,+1 415 555 0123
                Ana again,ana@example.com,
                Gone,gone@example.com,
                =1+2,dee@example.com,

                """
            let result = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "patients.csv", Array(csv.utf8)), csrf: page.csrfToken)
            #expect(result.status == .ok, "\(result.text)")
            #expect(result.text.contains("3 sent · 2 skipped · 1 failed"), "\(result.text)")
            #expect(result.text.contains("Souza, Ana") && result.text.contains("result-failed"))
            #expect(result.text.contains(#"download="invitation-report.csv""#))
            let report = try #require(
                result.text.range(of: #"href="data:text/csv;charset=utf-8,"#).map {
                    String(result.text[$0.upperBound...].prefix { $0 != "\"" }).removingPercentEncoding
                })
            let lines = report?.split(separator: "\r\n").map(String.init) ?? []
            #expect(lines.first == InvitationReport.header && lines.count == 7)
            #expect(lines.contains { $0.hasPrefix("3,Bo,not-an-email,,failed") })
            #expect(lines.contains { $0.hasPrefix("7,'=1+2,dee@example.com") })
            #expect(try Self.emails(server).count == 3)
        }
    }

    /// The report offered for download on an upload's result page (a `data:` URL, decoded), split into lines.
    static func reportLines(_ page: Page) throws -> [String] {
        let report = try #require(
            page.text.range(of: #"href="data:text/csv;charset=utf-8,"#).flatMap {
                String(page.text[$0.upperBound...].prefix { $0 != "\"" }).removingPercentEncoding
            })
        return report.split(separator: "\r\n").map(String.init)
    }

    @Test(
        "the upload's report defuses cells a spreadsheet would run (= + - @), in every column",
        arguments: ServerTestEngine.all)
    func reportFormulaInjection(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            let csv = """
                name,email,phone
                "=HYPERLINK(""http://evil.example"",""x"")",a@example.com,
                +SUM(1;2),b@example.com,
                -2+3,c@example.com,
                @cmd,d@example.com,
                Plain,=cmd|' /C calc'!A0,
                Plain Phone,e@example.com,+1 217 555 0100

                """
            let result = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "h.csv", Array(csv.utf8)),
                csrf: page.csrfToken)
            #expect(result.status == .ok && result.text.contains("5 sent · 0 skipped · 1 failed"), "\(result.text)")
            let lines = try Self.reportLines(result)
            try #require(lines.count == 7)
            #expect(lines[1].hasPrefix(#"2,"'=HYPERLINK(""http://evil.example"",""x"")",a@example.com,,sent,"#))
            #expect(lines[2].hasPrefix("3,'+SUM(1;2),b@example.com,,sent,"))
            #expect(lines[3].hasPrefix("4,'-2+3,c@example.com,,sent,"))
            #expect(lines[4].hasPrefix("5,'@cmd,d@example.com,,sent,"))
            #expect(lines[5].hasPrefix("6,Plain,'=cmd|' /C calc'!A0,,failed,,"), "\(lines[5])")
            #expect(lines[6].hasPrefix("7,Plain Phone,e@example.com,'+1 217 555 0100,sent,"), "\(lines[6])")
            // No cell of the report starts with a formula character.
            for line in lines.dropFirst() {
                for cell in line.split(separator: ",", omittingEmptySubsequences: false) {
                    #expect(!(cell.first.map { "=+-@".contains($0) } ?? false), "\(line)")
                }
            }
            #expect(result.text.contains("=HYPERLINK(&quot;http://evil.example&quot;,&quot;x&quot;)"))
        }
    }

    @Test("uploads: no file, a bad header, a body past the cap (413), no CSRF token", arguments: ServerTestEngine.all)
    func badUploads(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            let empty = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "x.csv", []), csrf: page.csrfToken)
            #expect(empty.status == .unprocessableContent && empty.text.contains(#"id="csv-error""#))
            let header = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "x.csv", Array("who,where\nA,B\n".utf8)), csrf: page.csrfToken)
            #expect(header.status == .unprocessableContent && header.text.contains(#"id="csv-error""#))
            let huge = Array(repeating: UInt8(ascii: "a"), count: CSRFMiddleware.uploadLimit + 1)
            let tooLarge = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "x.csv", huge),
                csrf: page.csrfToken)
            #expect(tooLarge.status == .contentTooLarge)
            let forged = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "x.csv", Array("name,email,phone\nA,a@example.com,\n".utf8)), csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(try WorkspaceInviteTests.emails(server).isEmpty)
        }
    }
}

@Suite("The workspace's link lists, written without a template section")
struct WorkspaceLinkChoiceTests {
    @Test(
        "a link label with markup is escaped in the links table, the invite page's two lists and the invitations filter",
        arguments: ServerTestEngine.all)
    func escapedLabels(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let label = #"<script>alert("x")</script> & 'co'"#
            let link = try await server.store.mintLinks(MintRequest(organizationID: oak.id, label: label))[0]
            let escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;"
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let invite = try await staff.get("/workspace/invite")
            #expect(invite.status == .ok && !invite.text.contains("<script>alert"))
            let option =
                #"<option value="\#(link.code.rawValue)">\#(escaped) · https://spruce.care/\#(link.code)</option>"#
            #expect(invite.text.components(separatedBy: option).count == 3)
            #expect(invite.text.components(separatedBy: #"<option value="4827163" selected>"#).count == 3)
            let links = try await staff.get("/workspace/links?after=\(link.id.rawValue - 1)")
            #expect(links.status == .ok && !links.text.contains("<script>alert"))
            #expect(links.text.contains(#"<td data-label="Label">\#(escaped)</td>"#))
            #expect(links.text.contains(#"<a href="/workspace/links/\#(link.code.rawValue)">https://spruce.care/"#))
            let invitations = try await staff.get("/workspace/invitations?link=\(link.code.rawValue)")
            #expect(invitations.status == .ok && !invitations.text.contains("<script>alert"))
            #expect(invitations.text.contains(#"<option value="">Any link</option>"#))
            #expect(
                invitations.text.contains(
                    #"<option value="\#(link.code.rawValue)" selected>\#(escaped) (\#(link.code))</option>"#))
        }
    }

    @Test(
        "escaping as the templates do",
        arguments: [
            ("plain text", "plain text"), ("", ""), ("a<b>c", "a&lt;b&gt;c"),
            ("Tom & Jerry's", "Tom &amp; Jerry&#39;s"),
            (#"say "hi""#, "say &quot;hi&quot;"), ("café → ünïcode 🌲", "café → ünïcode 🌲"),
            ("<é&>", "&lt;é&amp;&gt;"),
        ])
    func escaping(text: String, expected: String) {
        #expect(text.htmlEscaped == expected)
    }

    @Test("options: the value and text escaped, selected marked")
    func options() {
        let html = SelectOptions([
            .init(value: "a\"b", text: "<A>", selected: false), .init(value: "c", text: "C & D", selected: true),
        ]).html
        #expect(html == #"<option value="a&quot;b">&lt;A&gt;</option><option value="c" selected>C &amp; D</option>"#)
    }
}
