import Foundation
import Testing

/// What the tool writes never carries a stored string raw: control characters are escaped on the terminal, and
/// report cells that a spreadsheet would run as formulas are defused.
@Suite("Escaping stored strings in terminal output and CSV reports")
struct OutputEscapingTests {
    @Test("a name stored with terminal control sequences is printed escaped")
    func terminalEscapes() async throws {
        try await LinkCLITests.withSeeded { seeded in
            // A name written before control characters were refused, or by hand into the database.
            let hostile = "Evil\u{1B}[2J\u{1B}]0;owned\u{7}\rClinic\u{202E}txt"
            let update = try await QRCLI.run(
                "/usr/bin/env",
                [
                    "sqlite3", seeded.database,
                    "UPDATE organizations SET display_name = char(\(Self.codes(hostile))) WHERE id = 1",
                ])
            try #require(update.status == 0, "\(update.stderr)")
            let listed = try await seeded.run(["org", "list"])
            #expect(listed.status == 0, "\(listed.stderr)")
            let text = listed.stdoutText
            #expect(!text.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{7}" || $0 == "\r" || $0 == "\u{202E}" })
            #expect(text.contains("Evil\\u{1B}[2J\\u{1B}]0;owned\\u{7}\\u{D}Clinic\\u{202E}txt"))
        }
    }

    static func codes(_ text: String) -> String {
        text.unicodeScalars.map { String($0.value) }.joined(separator: ",")
    }

    @Test("report cells starting with = + - @ are prefixed with ' so a spreadsheet shows them as text")
    func formulaInjection() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let (database, code) = try await InviteCLI.setUp(in: directory)
            let csv = directory.appendingPathComponent("hostile.csv")
            try Data(
                """
                name,email,phone
                "=HYPERLINK(""http://evil.example"",""click"")",a@example.com,
                +SUM(1;2),b@example.com,
                -2+3,c@example.com,
                @cmd,d@example.com,
                Plain Name,e@example.com,+1 217 555 0100

                """.utf8
            ).write(to: csv)
            let report = directory.appendingPathComponent("report.csv").path
            let result = try await QRCLI.sprucelink([
                "invite", "batch", "--database", database, "--link", code, "--csv", csv.path, "--via", "email",
                "--outbox", directory.appendingPathComponent("outbox").path, "--report", report,
            ])
            #expect(result.status == 0, "\(result.stderr)")
            let lines = String(decoding: try Data(contentsOf: URL(fileURLWithPath: report)), as: UTF8.self)
                .split(separator: "\r\n").map(String.init)
            try #require(lines.count == 6)
            #expect(lines[1].hasPrefix("2,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\",a@example.com,"))
            #expect(lines[2].hasPrefix("3,'+SUM(1;2),b@example.com,"))
            #expect(lines[3].hasPrefix("4,'-2+3,c@example.com,"))
            #expect(lines[4].hasPrefix("5,'@cmd,d@example.com,"))
            #expect(
                lines[5].hasPrefix("6,Plain Name,e@example.com,'+12175550100,")
                    || lines[5].hasPrefix("6,Plain Name,e@example.com,'+1 217 555 0100,"))
        }
    }
}
