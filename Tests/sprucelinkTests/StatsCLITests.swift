import Foundation
import Testing

/// `sprucelink link stats`, `sprucelink stats` and `sprucelink stats time-zone` as processes on a seeded database.
@Suite("sprucelink stats")
struct StatsCLITests {
    @Test("a link's funnel as CSV, JSON and a table; days are zero-filled")
    func linkStats() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let csv = try await seeded.run([
                "link", "stats", "4827163", "--from", "2026-03-01", "--to", "2026-03-03", "--csv",
            ])
            #expect(csv.status == 0)
            let lines = csv.stdoutText.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 4)
            #expect(lines.first?.hasPrefix("period,scan,visit,connect_click,") == true)
            #expect(lines[1] == "2026-03-01" + String(repeating: ",0", count: 12))
            let json = try await seeded.run([
                "link", "stats", "4827163", "--from", "2026-03-01", "--to", "2026-03-31", "--by", "week", "--json",
            ])
            let object = try JSONSerialization.jsonObject(with: json.stdout) as? [String: Any]
            #expect(object?["by"] as? String == "week")
            #expect(object?["timeZone"] as? String == "UTC")
            #expect((object?["periods"] as? [Any])?.count == 6)
            let table = try await seeded.run(["link", "stats", "4827163", "--from", "2026-03-01", "--to", "2026-03-02"])
            #expect(table.stdoutText.contains("https://spruce.care/4827163: 2026-03-01 to 2026-03-02 (UTC)"))
            #expect(table.stdoutText.contains("unique_visitors"))
        }
    }

    /// (arguments, the one stderr line)
    static let refusals: [([String], String)] = [
        (["link", "stats", "4827163", "--from", "2026-02-30"], "Error: --from: must be a date written YYYY-MM-DD"),
        (
            ["link", "stats", "4827163", "--from", "2026-03-02", "--to", "2026-03-01"],
            "Error: --to: must not be before from"
        ),
        (["link", "stats", "4827163", "--by", "year"], "Error: --by: must be one of: day, week, month"),
        (["link", "stats", "4827163", "--json", "--csv"], "Error: --json, --csv: choose one"),
        (["stats", "--org", "1", "--by", "link"], "Error: --by: must be tag"),
        (
            ["stats", "time-zone", "--org", "1", "Mars/Olympus"],
            "Error: zone: must be an IANA time zone such as America/New_York or UTC"
        ),
    ]

    @Test("bad values exit 64 with one line naming the option", arguments: refusals)
    func refused(_ arguments: [String], _ message: String) async throws {
        try await LinkCLITests.withSeeded { seeded in
            let result = try await seeded.run(arguments)
            #expect(result.status == 64)
            #expect(result.stderr.trimmingCharacters(in: .newlines) == message)
            #expect(result.stdout.isEmpty)
        }
    }

    @Test("per-tag totals and the organization's time zone")
    func tagTotals() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let zone = try await seeded.run(["stats", "time-zone", "--org", "1", "Europe/Paris"])
            #expect(zone.status == 0)
            #expect(zone.stdoutText == "Europe/Paris\n")
            await #expect(try seeded.run(["stats", "time-zone", "--org", "1"]).stdoutText == "Europe/Paris\n")
            let totals = try await seeded.run(["stats", "--org", "1", "--by", "tag", "--from", "2026-03-01", "--csv"])
            #expect(totals.status == 0)
            #expect(totals.stdoutText.hasPrefix("tag,links,scan,"))
            let unknown = try await seeded.run(["link", "stats", "1234567"])
            #expect(unknown.status != 0)
            #expect(unknown.stderr.contains("no link with that code"))
        }
    }
}
