import Foundation
import Testing

/// Helpers for the `sprucelink invite` tests: a database with one practice, and parsed outbox contents.
enum InviteCLI {
    /// Creates an organization named `practice` in `directory/db.sqlite` and returns its primary link code.
    static func setUp(in directory: URL, practice: String = "Oak Street Pediatrics") async throws -> (
        database: String, code: String
    ) {
        let database = directory.appendingPathComponent("db.sqlite").path
        let created = try await QRCLI.sprucelink([
            "org", "create", "--database", database, "--name", practice, "--json",
        ])
        #expect(created.status == 0, "\(created.stderr)")
        let json = try JSONSerialization.jsonObject(with: created.stdout) as? [String: Any]
        let links = json?["links"] as? [[String: Any]]
        guard let code = links?.first?["code"] as? String else {
            throw QRCLI.CLIError(description: "org create printed no link: \(created.stdoutText)")
        }
        return (database, code)
    }

    /// `scripts/parse_email.py` on `file`: what Python's `email` package reads; the QR PNG is written to `png`.
    static func parseEmail(_ file: String, png: String) async throws -> [String: Any] {
        let script = QRCLI.packageRoot.appendingPathComponent("scripts/parse_email.py").path
        let result = try await QRCLI.run("/usr/bin/env", ["python3", script, file, png])
        #expect(result.status == 0, "parse_email.py: \(result.stderr)")
        return (try JSONSerialization.jsonObject(with: result.stdout) as? [String: Any]) ?? [:]
    }

    /// zbarimg's reading of a PNG, exact bytes.
    static func zbar(_ png: String) async throws -> String? {
        let result = try await QRCLI.run("/usr/bin/env", ["zbarimg", "--raw", "-q", "-Sbinary", png])
        guard result.status == 0 else { return nil }
        var data = result.stdout
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        return String(decoding: data, as: UTF8.self)
    }

    /// The delivered emails (Maildir `new/`), as file paths.
    static func emails(in outbox: URL) throws -> [String] {
        let new = outbox.appendingPathComponent("new")
        return try QRCLI.files(in: new).map { new.appendingPathComponent($0).path }
    }

    /// The `To:` address of each delivered email, read by a cheap header scan.
    static func recipients(in outbox: URL) throws -> [String] {
        try emails(in: outbox).map { path in
            let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
            guard
                let range = text.range(
                    of: #"<[^<>@\s]+@[^<>\s]+>"#, options: .regularExpression,
                    range: text.range(of: "\nTo:").map { $0.lowerBound..<text.endIndex })
            else { return "" }
            return String(text[range].dropFirst().dropLast())
        }
    }

    /// The lines of `texts.jsonl`.
    static func texts(in outbox: URL) throws -> [[String: Any]] {
        let file = outbox.appendingPathComponent("texts.jsonl")
        guard let data = FileManager.default.contents(atPath: file.path) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any]
        }
    }
}
