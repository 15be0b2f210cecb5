import Foundation
import Testing

/// `sprucelink invite batch` on Fixtures/invitees.csv (200 rows, 15 not sendable; see scripts/make_invitees.py).
@Suite("sprucelink invite batch")
struct InviteBatchTests {
    static let fixture = QRCLI.packageRoot.appendingPathComponent("Fixtures/invitees.csv").path
    /// Rows with an email (emails expected) and with a phone (texts expected), valid and distinct.
    static let expectedEmails = 148
    static let expectedTexts = 87

    func batch(
        _ database: String, _ code: String, _ outbox: URL, _ extra: [String] = [], environment: [String: String] = [:]
    )
        async
        throws -> QRCLI.Result
    {
        try await QRCLI.sprucelink(
            [
                "invite", "batch", "--database", database, "--link", code, "--csv", Self.fixture, "--via", "both",
                "--outbox", outbox.path,
            ] + extra, environment: environment)
    }

    @Test("exact counts, row errors with row numbers, a CSV report, each valid recipient once")
    func counts() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let outbox = directory.appendingPathComponent("outbox")
            let report = directory.appendingPathComponent("report.csv").path
            let result = try await batch(database, code, outbox, ["--report", report])
            #expect(result.status == 2)
            #expect(result.stdoutText == "sent 185, skipped 3, failed 12\n", "\(result.stderr)")
            let errors = result.stderrLines
            #expect(errors.count == 12)
            #expect(errors.allSatisfy { $0.hasPrefix("row ") })
            #expect(errors.contains { $0.hasSuffix("email: \"not-an-address\" has no @") })
            #expect(errors.contains { $0.contains("recipient: needs an email address or a phone number") })
            try checkExactlyOnce(outbox)
            let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: report)), as: UTF8.self)
                .split(separator: "\r\n")
            #expect(lines.count == 201)
            #expect(lines[0] == "row,name,email,phone,status,invitation_id,reason")
            #expect(lines[1].hasPrefix("2,\"Ana Smith, Jr. 0\",Patient0@Bücher.example,(217) 555-1000,sent,1,"))

            // Running the same batch again sends nobody: everyone is already invited.
            let again = try await batch(database, code, outbox)
            #expect(again.stdoutText == "sent 0, skipped 188, failed 12\n")
            try checkExactlyOnce(outbox)
        }
    }

    @Test(
        "killed mid-batch (SIGKILL between delivery and bookkeeping), a re-run delivers each recipient exactly once",
        arguments: [1, 57, 150])
    func crashAndResume(after deliveries: Int) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let outbox = directory.appendingPathComponent("outbox")
            let crashed = try await batch(
                database, code, outbox, environment: ["SPRUCELINK_TEST_CRASH_AFTER": String(deliveries)])
            #expect(
                crashed.status == 9 || crashed.status == 128 + 9 || crashed.status == -9, "status \(crashed.status)")
            let delivered = try InviteCLI.emails(in: outbox).count + (try InviteCLI.texts(in: outbox).count)
            #expect(delivered == deliveries)
            let resumed = try await batch(database, code, outbox)
            #expect(resumed.status == 2, "\(resumed.stderr)")
            try checkExactlyOnce(outbox)
            let spool = try QRCLI.files(in: outbox.appendingPathComponent("tmp"))
            #expect(spool.isEmpty)
        }
    }

    @Test(
        "chunked: killed in a later chunk, finished chunks stay marked, a re-run delivers each recipient once",
        arguments: [57, 120])
    func crashAndResumeChunked(after deliveries: Int) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let outbox = directory.appendingPathComponent("outbox")
            let crashed = try await batch(
                database, code, outbox, ["--chunk-size", "25"],
                environment: ["SPRUCELINK_TEST_CRASH_AFTER": String(deliveries)])
            #expect(
                crashed.status == 9 || crashed.status == 128 + 9 || crashed.status == -9, "status \(crashed.status)")
            let delivered = try InviteCLI.emails(in: outbox).count + (try InviteCLI.texts(in: outbox).count)
            #expect(delivered == deliveries)
            let resumed = try await batch(database, code, outbox, ["--chunk-size", "40"])
            #expect(resumed.status == 2, "\(resumed.stderr)")
            // The chunks finished before the kill were marked: their recipients are skipped, not sent again.
            let counts = resumed.stdoutText.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            #expect(
                counts.count == 3 && counts[0] + counts[1] == 188 && counts[1] > 3 && counts[2] == 12,
                "\(resumed.stdoutText)")
            try checkExactlyOnce(outbox)
            #expect(try QRCLI.files(in: outbox.appendingPathComponent("tmp")).isEmpty)
        }
    }

    @Test("--message: every email and text of the batch quotes it; a bad one is refused before anything is sent")
    func personalMessage() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let outbox = directory.appendingPathComponent("outbox")
            let refused = try await batch(database, code, outbox, ["--message", "Hi\u{7}"])
            #expect(refused.status == 64 && refused.stderrLines.count == 1)
            #expect(refused.stderr.hasPrefix("Error: --message: may not hold control characters (U+0007)"))
            #expect(!FileManager.default.fileExists(atPath: outbox.path), "nothing written")
            let result = try await batch(database, code, outbox, ["--message", "Welcome to the practice"])
            #expect(result.stdoutText == "sent 185, skipped 3, failed 12\n", "\(result.stderr)")
            // Every email's decoded text and HTML parts (7bit, quoted-printable or base64) quote the message.
            let script = """
                import email, sys
                for path in sys.argv[1:]:
                    message = email.message_from_bytes(open(path, "rb").read())
                    parts = [p.get_payload(decode=True).decode() for p in message.walk()
                             if p.get_content_type() in ("text/plain", "text/html")]
                    print(sum("Welcome to the practice" in p for p in parts))
                """
            let emails = try InviteCLI.emails(in: outbox)
            #expect(emails.count == Self.expectedEmails)
            let counts = try await QRCLI.run("/usr/bin/env", ["python3", "-c", script] + emails)
            #expect(counts.status == 0)
            let perEmail = String(decoding: counts.stdout, as: UTF8.self).split(separator: "\n")
            #expect(perEmail.count == Self.expectedEmails && perEmail.allSatisfy { $0 == "2" })
            let texts = try InviteCLI.texts(in: outbox)
            #expect(texts.count == Self.expectedTexts)
            #expect(texts.allSatisfy { ($0["body"] as? String)?.contains(". Welcome to the practice Get") == true })
        }
    }

    @Test("sendmail delivery: a stand-in MTA records each message; one recipient's failure is reported and the rest go")
    func sendmail() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let spoolDir = directory.appendingPathComponent("mta", isDirectory: true)
            try FileManager.default.createDirectory(at: spoolDir, withIntermediateDirectories: true)
            let script = directory.appendingPathComponent("fake-sendmail").path
            try """
            #!/bin/sh
            # A stand-in MTA: records argv and stdin; refuses any message for patient7@example.com.
            msg=$(mktemp "\(spoolDir.path)/msg.XXXXXX")
            cat > "$msg"
            echo "$@" > "$msg.args"
            if grep -q '^To:.*patient7@example.com' "$msg"; then
                echo "550 mailbox unavailable" >&2; rm -f "$msg" "$msg.args"; exit 75
            fi
            exit 0
            """.write(toFile: script, atomically: true, encoding: .utf8)
            chmod(script, 0o755)
            let csv = directory.appendingPathComponent("few.csv").path
            try "name,email,phone\nA,patient5@example.com,\nB,patient7@example.com,\nC,patient9@example.com,\n"
                .write(toFile: csv, atomically: true, encoding: .utf8)
            let outbox = directory.appendingPathComponent("outbox")
            let result = try await QRCLI.sprucelink([
                "invite", "batch", "--database", database, "--link", code, "--csv", csv, "--outbox", outbox.path,
                "--sendmail", "\(script) -t -i",
            ])
            #expect(result.status == 2)
            #expect(result.stdoutText == "sent 2, skipped 0, failed 1\n")
            #expect(result.stderrLines == ["row 3: sendmail: \(script) exited with status 75: 550 mailbox unavailable"])
            let recorded = try QRCLI.files(in: spoolDir)
            #expect(recorded.filter { $0.hasSuffix(".args") }.count == 2)
            for file in recorded where !file.hasSuffix(".args") {
                let path = spoolDir.appendingPathComponent(file).path
                #expect(try String(contentsOfFile: path + ".args", encoding: .utf8) == "-t -i\n")
                let parsed = try await InviteCLI.parseEmail(path, png: path + ".png")
                #expect(parsed["defects"] as? [String] == [])
                await #expect(try InviteCLI.zbar(path + ".png")?.hasPrefix("HTTPS://SPRUCE.CARE/i/") == true)
            }
            #expect(try InviteCLI.emails(in: outbox).isEmpty)
        }
    }

    /// Each valid recipient of the fixture once: emails by address, texts by phone.
    func checkExactlyOnce(_ outbox: URL) throws {
        let emails = try InviteCLI.recipients(in: outbox)
        #expect(emails.count == Self.expectedEmails)
        #expect(Set(emails).count == emails.count)
        let phones = try InviteCLI.texts(in: outbox).compactMap { $0["to"] as? String }
        #expect(phones.count == Self.expectedTexts)
        #expect(Set(phones).count == phones.count)
    }
}
