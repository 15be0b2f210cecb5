import Foundation
import SpruceProcess
import Testing

/// `sprucelink serve` and `sprucelink org api-key` as processes: startup, health, graceful stop, settings.
@Suite("sprucelink serve and api-key", .serialized)
struct ServeCLITests {
    /// Polls `url` with curl until it answers 200, or gives up.
    static func waitForHealth(_ url: String, seconds: Int = 20) async throws -> Bool {
        for _ in 0..<(seconds * 10) {
            let probe = try await QRCLI.run(
                "/usr/bin/env", ["curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", url])
            if probe.stdoutText == "200" { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// `--cache-seconds 0` (no links in memory) once stopped the server at start: its directory service returned.
    @Test(
        "serve answers, logs JSON lines without secrets, and stops cleanly on SIGTERM",
        arguments: [[], ["--cache-seconds", "0"], ["--cache-seconds", "2.5"]])
    func serveAndStop(extraArguments: [String]) async throws {
        try await LinkCLITests.withSeeded { seeded in
            let port = try freeLoopbackPort()
            var child = ChildProcess(
                try QRCLI.binary(),
                [
                    "serve", "--database", seeded.database, "--port", String(port), "--public-url", "http://127.0.0.1",
                    "--metrics-port", "0",
                ] + extraArguments)
            child.directory = seeded.folder.path
            child.environment = ["SPRUCELINK_SECRET": String(repeating: "s", count: 40)]
            let logFile = seeded.folder.appendingPathComponent("serve.log")
            child.output = .file(logFile.path)
            child.errors = .file(logFile.path)
            let server = try child.start()
            defer {
                server.send(signal: SIGKILL)
                server.wait()
            }
            await #expect(try Self.waitForHealth("http://127.0.0.1:\(port)/healthz"))
            let page = try await QRCLI.run(
                "/usr/bin/env", ["curl", "-s", "http://127.0.0.1:\(port)/i/23456789abcdefghjkmnpqrstu"])
            #expect(page.stdoutText.contains("Link not found"))
            let profile = try await QRCLI.run(
                "/usr/bin/env", ["curl", "-s", "http://127.0.0.1:\(port)/api/v1/links/4827163"])
            #expect(profile.stdoutText.contains("\"displayName\":\"Oak Street Pediatrics\""))
            #expect(server.isRunning)
            server.send(signal: SIGTERM)
            #expect(server.wait() == .exited(0))
            let lines = String(decoding: try Data(contentsOf: logFile), as: UTF8.self).split(separator: "\n")
            #expect(lines.contains { $0.contains("\"message\":\"stopped\"") })
            #expect(
                lines.contains {
                    $0.contains("\"http.route\":\"\\/i\\/{token}\"") && $0.contains("\"http.status\":\"404\"")
                })
            // The token in the path and the secret never reach the log.
            #expect(!lines.contains { $0.contains("23456789abcdefghjkmnpqrstu") || $0.contains("ssssssssss") })
            #expect(!lines.contains { $0.contains("no $SPRUCELINK_SECRET") })
        }
    }

    @Test(
        "a short secret, a bad port, a bad public URL and a trusted proxy that is no address are usage errors (exit 64)"
    )
    func badSettings() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let short = try await QRCLI.run(
                try QRCLI.binary(), ["serve", "--database", seeded.database, "--port", "0"],
                environment: ["SPRUCELINK_SECRET": "short"])
            #expect(short.status == 64)
            #expect(short.stderr == "Error: $SPRUCELINK_SECRET: signing secret is shorter than 32 bytes\n")
            let port = try await seeded.run(["serve", "--port", "70000"])
            #expect(port.status == 64)
            #expect(port.stderr == "Error: --port: must be from 0 to 65535\n")
            let url = try await seeded.run(["serve", "--public-url", "ftp://x"])
            #expect(url.status == 64)
            let proxy = try await seeded.run([
                "serve", "--trusted-proxy", "127.0.0.1", "--trusted-proxy", "proxy.local",
            ])
            #expect(proxy.status == 64)
            let head = try await seeded.run(["serve", "--head-timeout", "0"])
            #expect(head.status == 64)
            #expect(head.stderr == "Error: --head-timeout: must be more than 0 and at most 3600 seconds\n")
            let cap = try await seeded.run(["serve", "--max-connections", "0"])
            #expect(cap.stderr == "Error: --max-connections: must be from 1 to 1000000\n")
            let metrics = try await seeded.run(["serve", "--metrics-port", "65536"])
            #expect(metrics.stderr == "Error: --metrics-port: must be from 0 to 65535\n")
            let budget = try await seeded.run(["serve", "--login-account-budget", "0"])
            #expect(budget.stderr == "Error: --login-account-budget: must be positive\n")
            #expect(proxy.stderr == "Error: --trusted-proxy: \"proxy.local\" is not an IP address\n")
            let idle = try await seeded.run(["serve", "--member-idle-minutes", "0"])
            #expect(idle.status == 64)
            #expect(idle.stderr == "Error: --member-idle-minutes: must be more than 0 and at most 43200 (30 days)\n")
            let from = try await seeded.run(["serve", "--port", "0", "--from", "not a mailbox"])
            #expect(from.status == 64)
            #expect(from.stderr.hasPrefix("Error: --from: "))
            let sendmail = try await seeded.run(["serve", "--port", "0", "--sendmail", "'unclosed"])
            #expect(sendmail.stderr == "Error: --sendmail: has an unclosed quote\n")
            let app = try await seeded.run(["serve", "--ios-app-id", "team.app"])
            #expect(app.status == 64)
            #expect(app.stderr.hasPrefix("Error: --ios-app-id: \"team.app\" must be TEAMID.bundle.id"))
            #expect(app.stderr.filter { $0 == "\n" }.count == 1)
            let android = try await seeded.run(["serve", "--android-package", "care.spruce.app"])
            #expect(android.stderr == "Error: --android-cert-sha256: is required with --android-package\n")
        }
    }

    @Test("org api-key create prints the key once; list shows only its prefix; revoke")
    func apiKeys() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let created = try await seeded.run(["org", "api-key", "create", "--org", "1", "--label", "EHR"])
            #expect(created.status == 0, "\(created.stderr)")
            let key = created.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(key.hasPrefix("spk_") && key.count == 47)
            #expect(created.stderr.contains("not shown again"))
            let listed = try await seeded.run(["org", "api-key", "list", "--org", "1"])
            #expect(listed.stdoutText.contains("\(key.prefix(10))…\tactive\tEHR\tadmin\tnever used"))
            #expect(!listed.stdoutText.contains(key))
            await #expect(try seeded.run(["org", "api-key", "revoke", "1"]).status == 0)
            await #expect(try seeded.run(["org", "api-key", "list", "--org", "1"]).stdoutText.contains("revoked"))
            let missing = try await seeded.run(["org", "api-key", "create", "--org", "99"])
            #expect(missing.status != 0)
        }
    }
}
