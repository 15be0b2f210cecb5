import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import SpruceCore
import SpruceDelivery
import SpruceStore
import Testing

@testable import SpruceServer

/// Two live servers on one database (one SQLite file, or one PostgreSQL schema), as two instances behind a load
/// balancer: each with its own store connection, link directory and caches.
func withTwoLiveServers<T: Sendable>(
    engine: ServerTestEngine, linkSyncInterval: TimeInterval,
    _ body: @Sendable (_ first: LiveServer, _ second: LiveServer) async throws -> T
) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-two-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let (location, schema) = try await engine.scratch(in: folder)
    var stores: [SpruceStore] = []
    do {
        for index in 0..<2 {
            let outbox = folder.appendingPathComponent("outbox-\(index)").path
            let messenger = OutboxMessenger(
                outbox: try await Outbox.make(directory: outbox, syncsToDisk: false),
                from: try MailboxAddress(parsing: "Spruce <accounts@spruce.care>"), publicURL: "https://spruce.care")
            stores.append(
                try await SpruceStore.open(
                    location,
                    settings: .liveServerTest(messenger: messenger)))
        }
        try await stores[0].seed(
            try SeedFile.load(from: packageRoot.appendingPathComponent("Fixtures/clinics.json").path),
            memberPassword: staffPassword)
        var logger = Logger(label: "test.two-servers")
        logger.logLevel = .warning
        func application(_ index: Int) async throws -> some ApplicationProtocol {
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, publicURL: "https://spruce.care", linkSyncInterval: linkSyncInterval)
            configuration.outboxDirectory = folder.appendingPathComponent("outbox-\(index)").path
            configuration.metrics = MetricsListener(host: "127.0.0.1", port: 0) { _ in }
            return try await SpruceServer.makeApplication(
                store: stores[index], configuration: configuration, logger: logger)
        }
        let (firstApp, secondApp) = (try await application(0), try await application(1))
        let (firstStore, secondStore) = (stores[0], stores[1])
        let outboxes = (folder.appendingPathComponent("outbox-0").path, folder.appendingPathComponent("outbox-1").path)
        let result = try await firstApp.test(.live) { firstClient in
            try await secondApp.test(.live) { secondClient in
                try await body(
                    LiveServer(
                        client: firstClient, store: firstStore, port: firstClient.port ?? 0, metricsPort: 0,
                        outbox: outboxes.0),
                    LiveServer(
                        client: secondClient, store: secondStore, port: secondClient.port ?? 0, metricsPort: 0,
                        outbox: outboxes.1))
            }
        }
        for store in stores { await store.close() }
        if let schema { try await ServerTestEngine.dropSchema(schema) }
        return result
    } catch {
        for store in stores { await store.close() }
        if let schema { try? await ServerTestEngine.dropSchema(schema) }
        throw error
    }
}

@Suite("The public profile follows a workspace edit on every instance")
struct ProfilePropagationTests {
    /// The directory's refresh interval of both instances (`serve --cache-seconds`).
    static let interval: TimeInterval = 0.25

    @Test(
        "an admin edits the profile on instance A; instance B's public page shows it within the refresh interval",
        arguments: ServerTestEngine.all)
    func propagates(engine: ServerTestEngine) async throws {
        try await withTwoLiveServers(engine: engine, linkSyncInterval: Self.interval) { first, second in
            let visitor = second.browser()
            // Instance B has the page in memory before the edit.
            for _ in 0..<2 {
                let before = try await visitor.get("/4827163")
                #expect(before.status == .ok && before.text.contains("Oak Street Pediatrics"))
            }
            let admin = try await WorkspaceTests.loggedIn(first, oakAdmin)
            let form = try await admin.get("/workspace/profile")
            let saved = try await admin.post(
                "/workspace/profile",
                form: [
                    "displayName": "Oak Street Children's Clinic", "specialty": "Pediatrics",
                    "summary": "Open late on Thursdays", "hours": "Mon–Fri 8–6, Thu until 8",
                    "acceptsNewPatients": "yes",
                ], from: form)
            #expect(saved.location == "/workspace/profile?notice=profile", "\(saved.text.prefix(500))")
            let onFirst = try await first.browser().get("/4827163")
            #expect(onFirst.text.contains("Open late on Thursdays"), "instance A shows its own edit at once")
            let start = ContinuousClock.now
            var shown = false
            while !shown, ContinuousClock.now - start < .seconds(Self.interval * 4 + 3) {
                let page = try await visitor.get("/4827163")
                shown = page.text.contains("Open late on Thursdays")
                if !shown { try await Task.sleep(for: .milliseconds(50)) }
            }
            let elapsed = ContinuousClock.now - start
            #expect(shown, "instance B still showed the old profile after \(elapsed)")
            let after = try await visitor.get("/4827163")
            #expect(after.text.contains("Mon–Fri 8–6, Thu until 8") && !after.text.contains("Oak Street Pediatrics"))
            print("profile on instance B after \(elapsed) (refresh interval \(Self.interval) s)")
        }
    }
}
