import Foundation
import HTTPTypes
import SpruceCore
import SpruceProcess
import SpruceStore
import Testing

@testable import SpruceServer

/// Runs a program to the end (waited for off the cooperative pool), with its output and errors in one text; a
/// program that runs past `timeout` is killed and the test fails with that error.
func runTool(_ arguments: [String], timeout: Duration = .seconds(240)) async throws -> (status: Int32, output: String) {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-tool-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outputFile = folder.appendingPathComponent("output").path
    var child = ChildProcess("/usr/bin/env", arguments)
    child.directory = packageRoot.path
    child.output = .file(outputFile)
    child.errors = .file(outputFile)
    let finished = try await child.run(timeout: timeout)
    return (finished.status, String(decoding: try Data(contentsOf: URL(fileURLWithPath: outputFile)), as: UTF8.self))
}

@Suite("External tools against a live server", .serialized)
struct ExternalToolTests {
    /// Pinned for schemathesis 4.x (`make deps` installs it from PyPI). All checks run except
    /// positive_data_acceptance: rules JSON Schema cannot say (an email's syntax, "a link of this
    /// organization", a code's alphabet) make schema-valid requests answer 422 by design. The seed keeps runs
    /// repeatable; 30 examples per operation finish in about ten seconds.
    static let schemathesisOptions = [
        "--checks", "all", "--exclude-checks", "positive_data_acceptance", "--max-examples", "30", "--seed", "1",
        "--request-timeout", "10",
    ]

    @Test("schemathesis against /api/openapi.json finds no failures")
    func schemathesis() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id, label: "schemathesis")
            let run = try await runTool(
                [
                    "schemathesis", "run", "\(server.baseURL)/api/openapi.json", "--url", server.baseURL,
                    "-H", "Authorization: Bearer \(key)",
                ] + Self.schemathesisOptions)
            #expect(run.status == 0, "schemathesis (run `make deps` if it is missing):\n\(run.output.suffix(6000))")
            #expect(run.output.contains("passed"), "\(run.output.suffix(2000))")
        }
    }

    @Test("headless Chromium walks patient signup through a link and a clinic connect; screenshots saved")
    func browser() async throws {
        let output = packageRoot.appendingPathComponent(".build/test-output/browser")
        try? FileManager.default.removeItem(at: output)
        // An http public URL: cookies without Secure, as on a developer's machine.
        try await withLiveServer(publicURL: "http://spruce.test") { server in
            let run = try await runTool(
                ["python3", "scripts/browser_journey.py", server.baseURL, output.path, staffPassword, server.outbox],
                timeout: .seconds(120))
            #expect(
                run.status == 0,
                "browser journey (run `make deps` for chromium, chromium-driver, selenium):\n\(run.output.suffix(4000))"
            )
            for name in ["profile.png", "patient-conversation.png", "clinic-prompt.png", "clinics-on-spruce.png"] {
                let size =
                    (try? FileManager.default.attributesOfItem(atPath: output.appendingPathComponent(name).path)[.size]
                        as? Int) ?? 0
                #expect(size > 1_000, "\(name) was not saved")
            }
            // What the browser did is in the database too.
            let riverbend = try await server.organization(named: "Riverbend Physical Therapy")
            let (key, _) = try await server.store.createAPIKey(for: riverbend.id)
            let clinics = try await server.browser().get(
                "/api/v1/conversations?filter=clinics", headers: [.authorization: "Bearer \(key)"])
            #expect(clinics.text.contains("Lumen Dermatology"))
        }
    }
}
