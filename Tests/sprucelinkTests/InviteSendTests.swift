import Foundation
import Testing

/// `sprucelink invite send`, run as a process; every email is parsed back by Python's `email` package.
@Suite("sprucelink invite send")
struct InviteSendTests {
    @Test(
        "emails parse back: names, subject, both alternatives, cid image that decodes to the link",
        arguments: [
            ("Oak Street Pediatrics", "Ana Smith"),
            ("Clínica São José", "Zoë Ångström-Núñez"),
            ("山田小児科クリニック", "田中 太郎"),
            ("Sunny Days 🌞 Pediatrics", "Mia 😀 O'Neil"),
            ("Dr. \"Quote\" & Partners", "Bob \"The Builder\" O'Brien, Jr."),
            ("<b>Bold</b> Clinic", "<script>alert('x')</script>"),
        ])
    func emailRoundTrip(practice: String, name: String) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory, practice: practice)
            let outbox = directory.appendingPathComponent("outbox")
            let result = try await QRCLI.sprucelink([
                "invite", "send", "--database", database, "--link", code, "--email", "Patient@Bücher.example",
                "--name", name, "--outbox", outbox.path, "--from", "Ünïcode Desk <desk@spruce.care>",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let emails = try InviteCLI.emails(in: outbox)
            try #require(emails.count == 1)
            let png = directory.appendingPathComponent("qr.png").path
            let parsed = try await InviteCLI.parseEmail(emails[0], png: png)
            #expect(parsed["defects"] as? [String] == [])
            #expect(parsed["to_name"] as? String == name)
            #expect(parsed["to_addr"] as? String == "patient@xn--bcher-kva.example")
            #expect(parsed["from_name"] as? String == "Ünïcode Desk")
            #expect(parsed["subject"] as? String == "Get the app and connect with \(practice)")
            #expect(parsed["content_type"] as? String == "multipart/related")
            #expect(parsed["related_type"] as? String == "multipart/alternative")
            #expect(parsed["alternatives"] as? [String] == ["text/plain", "text/html"])
            #expect(parsed["charsets"] as? [String] == ["utf-8", "utf-8"])
            #expect((parsed["max_line"] as? Int ?? 999) <= 78)
            #expect(parsed["ascii_only"] as? Bool == true)
            #expect((parsed["message_id"] as? String)?.hasPrefix("<inv-") == true)
            #expect(parsed["image_type"] as? String == "image/png")
            #expect(parsed["image_disposition"] as? String == "inline")
            let cid = parsed["image_cid"] as? String
            #expect(cid != nil && parsed["html_cids"] as? [String] == [cid ?? ""])
            let text = parsed["text"] as? String ?? ""
            let html = parsed["html"] as? String ?? ""
            #expect(text.contains("Get the app and connect with \(practice)"))
            #expect(text.contains("Hello \(name),"))
            #expect(text.contains("It expires on "))
            // Every user value is escaped in the HTML: no raw < or quote from the name or the practice.
            #expect(!html.contains(name) || !name.contains(where: { "<>&\"'".contains($0) }))
            #expect(!html.contains("<script>"))
            #expect(!html.contains("<b>Bold</b>"))
            let link = try #require(text.split(separator: "\n").first { $0.hasPrefix("https://spruce.care/i/") })
            #expect(link.count == "https://spruce.care/i/".count + 26)
            #expect(html.contains("href=\"\(link)\""))
            // The app's connect code (derived from the token, checked in the store's handoff tests), in both parts.
            let shown = try #require(
                text.firstMatch(of: try Regex("If the app asks, enter this code: ([2-9A-Z]{4}-[2-9A-Z]{4})")))
            #expect(html.contains("enter this code: <strong>\(shown.output[1].substring ?? "")</strong>"))
            // The email's code is the same link in uppercase with the scan marker (ScanMarker).
            let token = link.dropFirst("https://spruce.care/i/".count)
            await #expect(try InviteCLI.zbar(png) == "HTTPS://SPRUCE.CARE/i/" + token.uppercased() + "?qr")
        }
    }

    @Test("texts go to texts.jsonl with their encoding and segments; a long one warns")
    func texts() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory, practice: "Oak Street Pediatrics")
            let outbox = directory.appendingPathComponent("outbox").path
            let plain = try await QRCLI.sprucelink([
                "invite", "send", "--database", database, "--link", code, "--phone", "(217) 555-0100", "--via", "text",
                "--outbox", outbox,
            ])
            #expect(plain.status == 0, "\(plain.stderr)")
            #expect(plain.stderr.isEmpty)
            let (database2, code2) = try await InviteCLI.setUp(
                in: directory.appendingPathComponent("x", isDirectory: true).creatingDirectory(),
                practice: "Клиника Солнышко")
            let wide = try await QRCLI.sprucelink([
                "invite", "send", "--database", database2, "--link", code2, "--phone", "+44 7400 123456", "--via",
                "text",
                "--outbox", outbox,
            ])
            #expect(wide.status == 0, "\(wide.stderr)")
            #expect(wide.stderr.hasPrefix("Warning: text message takes 2 segments"))
            let lines = try InviteCLI.texts(in: URL(fileURLWithPath: outbox))
            try #require(lines.count == 2)
            #expect(lines[0]["to"] as? String == "+12175550100")
            #expect(lines[0]["encoding"] as? String == "gsm7")
            #expect(lines[0]["segments"] as? Int == 1)
            #expect((lines[0]["body"] as? String)?.contains("Oak Street Pediatrics") == true)
            #expect((lines[0]["body"] as? String)?.contains(try Regex(" Code: [2-9A-Z]{4}-[2-9A-Z]{4}$")) == true)
            #expect(lines[1]["to"] as? String == "+447400123456")
            #expect(lines[1]["encoding"] as? String == "ucs2")
            #expect(lines[1]["segments"] as? Int == 2)
        }
    }

    @Test("--message: quoted in the text and HTML email (escaped) and in the text message, which turns UCS-2")
    func personalMessage() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory, practice: "Oak Street Pediatrics")
            let outbox = directory.appendingPathComponent("outbox")
            let message = "See you Tuesday <b>&</b> 😀\r\nDr. Chen"
            let result = try await QRCLI.sprucelink([
                "invite", "send", "--database", database, "--link", code, "--email", "ana@example.com", "--phone",
                "(217) 555-0100", "--via", "both", "--outbox", outbox.path, "--message", "  \(message)\n",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let emails = try InviteCLI.emails(in: outbox)
            try #require(emails.count == 1)
            let parsed = try await InviteCLI.parseEmail(emails[0], png: directory.appendingPathComponent("qr.png").path)
            #expect(parsed["defects"] as? [String] == [])
            let text = parsed["text"] as? String ?? ""
            let html = parsed["html"] as? String ?? ""
            #expect(text.contains("A message from Oak Street Pediatrics:\n\nSee you Tuesday <b>&</b> 😀\nDr. Chen\n"))
            #expect(html.contains("See you Tuesday &lt;b&gt;&amp;&lt;/b&gt; 😀\nDr. Chen</blockquote>"))
            #expect(!html.contains("<b>&</b>"))
            let lines = try InviteCLI.texts(in: outbox)
            try #require(lines.count == 1)
            let body = lines[0]["body"] as? String ?? ""
            #expect(
                body.hasPrefix("Oak Street Pediatrics invites you to Spruce. See you Tuesday <b>&</b> 😀\nDr. Chen Get"))
            #expect(lines[0]["encoding"] as? String == "ucs2")
        }
    }

    @Test(
        "bad inputs are one line naming the option, exit 64",
        arguments: [
            (["--email", "nope"], "Error: --email: \"nope\" has no @"),
            (["--phone", "12345", "--via", "text"], "Error: --phone: \"12345\" is too short for a +1 number"),
            (
                ["--phone", "+44 20 7946 0018", "--via", "text"],
                "Error: --phone: +442079460018 is a fixed-line number, which cannot receive texts"
            ),
            (["--email", "a@example.com", "--link", "x!"], "Error: --link:"),
            (["--email", "a@example.com", "--from", "Desk <broken"], "Error: --from:"),
            (["--email", "a@example.com", "--public-url", "ftp://x"], "Error: --public-url:"),
            (["--email", "a@example.com", "--default-country", "ZZ"], "Error: --default-country:"),
            (["--email", "a@example.com", "--sendmail", "'unclosed"], "Error: --sendmail: has an unclosed quote"),
            (["--via", "text", "--email", "a@example.com"], "Error: --phone is required with --via text"),
            ([], "Error: --email or --phone is required"),
            (
                ["--email", "a@example.com", "--message", String(repeating: "é", count: 501)],
                "Error: --message: is 501 characters long; at most 500 are allowed"
            ),
            (
                ["--email", "a@example.com", "--message", "Hello\u{1B}[2J"],
                "Error: --message: may not hold control characters (U+001B)"
            ),
        ])
    func usageErrors(arguments: [String], message: String) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            var all = [
                "invite", "send", "--database", database, "--outbox", directory.appendingPathComponent("o").path,
            ]
            if !arguments.contains("--link") { all += ["--link", code] }
            let result = try await QRCLI.sprucelink(all + arguments)
            #expect(result.status == 64)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        }
    }

    @Test("an unknown link is an operational failure: one line, exit 1")
    func unknownLink() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, _) = try await InviteCLI.setUp(in: directory)
            let result = try await QRCLI.sprucelink([
                "invite", "send", "--database", database, "--link", "99999999", "--email", "a@example.com",
                "--outbox", directory.appendingPathComponent("o").path,
            ])
            #expect(result.status == 1)
            #expect(result.stderrLines == ["Error: --link: no link with that code"])
        }
    }

    @Test("opt-out, revoke, list and remind")
    func lifecycle() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let outbox = directory.appendingPathComponent("outbox")
            let base = ["--database", database]
            func send(_ email: String, _ extra: [String] = []) async throws -> QRCLI.Result {
                try await QRCLI.sprucelink(
                    ["invite", "send"] + base + ["--link", code, "--email", email, "--outbox", outbox.path] + extra)
            }
            await #expect(try send("a@example.com").status == 0)
            let again = try await send("A@Example.com")
            #expect(again.status == 0 && again.stderr.hasPrefix("Skipped: already invited"))
            await #expect(try send("a@example.com", ["--resend"]).status == 0)
            #expect(try InviteCLI.emails(in: outbox).count == 2)

            let optOut = try await QRCLI.sprucelink(["invite", "opt-out"] + base + ["A@example.com"])
            #expect(optOut.stdoutText == "Opted out a@example.com; revoked 1 pending invitation\n")
            let refused = try await send("a@example.com", ["--resend"])
            #expect(refused.stderr.hasPrefix("Skipped: a@example.com opted out"))
            #expect(try InviteCLI.emails(in: outbox).count == 2)

            await #expect(try send("b@example.com").status == 0)
            let revoke = try await QRCLI.sprucelink(["invite", "revoke"] + base + ["3"])
            #expect(revoke.status == 0, "\(revoke.stderr)")
            await #expect(try send("c@example.com").status == 0)

            let list = try await QRCLI.sprucelink(
                ["invite", "list"] + base + ["--org", "1", "--status", "revoked", "--json"])
            let revoked = (try JSONSerialization.jsonObject(with: list.stdout) as? [[String: Any]]) ?? []
            #expect(
                revoked.compactMap { $0["email"] as? String }.sorted() == [
                    "a@example.com", "a@example.com", "b@example.com",
                ])

            let early = try await QRCLI.sprucelink(
                ["invite", "remind"] + base + ["--older-than", "3d", "--outbox", outbox.path])
            #expect(early.stdoutText == "reminded 0, skipped 0, failed 0\n")
            let due = try await QRCLI.sprucelink(
                ["invite", "remind"] + base + ["--older-than", "0m", "--outbox", outbox.path])
            #expect(due.stdoutText == "reminded 1, skipped 0, failed 0\n", "\(due.stderr)")
            let once = try await QRCLI.sprucelink(
                ["invite", "remind"] + base + ["--older-than", "0m", "--outbox", outbox.path])
            #expect(once.stdoutText == "reminded 0, skipped 0, failed 0\n")
            #expect(try InviteCLI.recipients(in: outbox).filter { $0 == "c@example.com" }.count == 2)
            let bad = try await QRCLI.sprucelink(["invite", "remind"] + base + ["--older-than", "3 days"])
            #expect(bad.status == 64 && bad.stderr.hasPrefix("Error: --older-than:"))
        }
    }
}

extension URL {
    func creatingDirectory() throws -> URL {
        try FileManager.default.createDirectory(at: self, withIntermediateDirectories: true)
        return self
    }
}
