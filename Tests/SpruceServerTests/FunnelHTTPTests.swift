import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PostgresKit
import SpruceCore
import SpruceDelivery
import SpruceStore
import Synchronization
import Testing

@testable import SpruceServer

/// The engines the funnel's HTTP tests run on: SQLite always, PostgreSQL under scripts/with-postgres.sh.
enum FunnelEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["SPRUCELINK_TEST_POSTGRES_URL"]
    static var all: [FunnelEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }
}

/// `count` live servers (each with its own store) over one fresh, seeded database on `engine`, counting the funnel
/// with a short flush interval (or `funnel`); `stopped` runs once they have shut down, before the stores close.
func withFunnelServers(
    _ engine: FunnelEngine,
    count: Int = 1,
    funnel: FunnelSettings = FunnelSettings(flushInterval: 0.2, maximumFlushInterval: 1),
    prepare: (SpruceStore) async throws -> Void = { _ in },
    stopped: ([SpruceStore]) async throws -> Void = { _ in },
    _ body: @Sendable ([LiveServer]) async throws -> Void
) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-funnel-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let location: DatabaseLocation
    var schema: String?
    switch engine {
    case .sqlite:
        location = .sqlite(path: folder.appendingPathComponent("funnel.sqlite").path)
    case .postgres:
        guard let url = FunnelEngine.postgresURL else { throw FixtureError(description: "no PostgreSQL") }
        let name = "f_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await ServerTestEngine.execute("CREATE SCHEMA \(name)", on: url)
        schema = name
        location = .postgres(url: url + (url.contains("?") ? "&" : "?") + "schema=\(name)&pool_size=4")
    }
    let outboxPath = folder.appendingPathComponent("outbox").path
    let messenger = OutboxMessenger(
        outbox: try await Outbox.make(directory: outboxPath, syncsToDisk: false),
        from: try MailboxAddress(parsing: "Spruce <accounts@spruce.care>"), publicURL: "https://spruce.care")
    let settings = StoreSettings.liveServerTest(
        signingKey: try SigningKey(secret: String(repeating: "k", count: 40)), messenger: messenger)
    var stores: [SpruceStore] = []
    do {
        for _ in 0..<count { stores.append(try await SpruceStore.open(location, settings: settings)) }
        try await stores[0].seed(
            try SeedFile.load(from: packageRoot.appendingPathComponent("Fixtures/clinics.json").path),
            memberPassword: staffPassword)
        try await prepare(stores[0])
        var apps: [any ApplicationProtocol] = []
        for store in stores {
            var logger = Logger(label: "test.funnel")
            logger.logLevel = .warning
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, publicURL: "https://spruce.care", linkSyncInterval: 1)
            configuration.metrics = nil
            configuration.funnel = funnel
            configuration.outboxDirectory = outboxPath
            apps.append(
                try await SpruceServer.makeApplication(store: store, configuration: configuration, logger: logger))
        }
        try await run(apps[...], stores: stores, outbox: outboxPath, servers: [], body)
        try await stopped(stores)
        for store in stores { await store.close() }
    } catch {
        for store in stores { await store.close() }
        if let schema, let url = FunnelEngine.postgresURL {
            try? await ServerTestEngine.execute("DROP SCHEMA \(schema) CASCADE", on: url)
        }
        throw error
    }
    if let schema, let url = FunnelEngine.postgresURL {
        try await ServerTestEngine.execute("DROP SCHEMA \(schema) CASCADE", on: url)
    }
}

/// Starts the apps one inside the other, so all of them run while `body` does.
private func run(
    _ apps: ArraySlice<any ApplicationProtocol>,
    stores: [SpruceStore],
    outbox: String,
    servers: [LiveServer],
    _ body: @Sendable ([LiveServer]) async throws -> Void
) async throws {
    guard let app = apps.first else { return try await body(servers) }
    let index = servers.count
    try await app.test(.live) { client in
        let server = LiveServer(
            client: client, store: stores[index], port: client.port ?? 0, metricsPort: 0,
            outbox: outbox)
        try await run(apps.dropFirst(), stores: stores, outbox: outbox, servers: servers + [server], body)
    }
}

@Suite("Funnel over HTTP")
struct FunnelHTTPTests {
    static let code = "3914805"
    static let zone = "America/New_York"

    /// The link's totals over yesterday to tomorrow in its zone (a run may cross midnight there).
    static func totals(_ store: SpruceStore) async throws -> FunnelCounts {
        let zone = try FunnelTimeZone(Self.zone)
        let today = LocalDay(Date(), in: zone.timeZone)
        let report = try await store.linkFunnel(
            code: try LinkCode(code), range: try FunnelRange(from: today.adding(days: -1), to: today.adding(days: 1)),
            grouping: .day, in: .everyOrganization)
        return report.totals
    }

    /// Waits for flushes until the totals are `expected`; then they must stay so.
    static func expectTotals(_ store: SpruceStore, _ expected: FunnelCounts) async throws {
        var last = FunnelCounts()
        for _ in 0..<100 {
            last = try await totals(store)
            if last == expected { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(last == expected)
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await totals(store) == expected)
    }

    static func get(_ browser: Browser, _ uri: String, agent: String?, _ extra: HTTPFields = [:]) async throws -> Page {
        var headers = extra
        if let agent { headers[.userAgent] = agent }
        return try await browser.get(uri, headers: headers)
    }

    @Test("a scripted day of traffic gives exactly the expected counts after a flush", arguments: FunnelEngine.all)
    func scriptedDay(_ engine: FunnelEngine) async throws {
        // The zone is set before the server starts, which reads it then (later changes show within 10 s).
        let prepare: (SpruceStore) async throws -> Void = { store in
            guard
                let lumen = try await store.organizations().first(where: {
                    $0.profile.displayName == "Lumen Dermatology"
                })
            else { throw FixtureError(description: "no Lumen Dermatology") }
            try await store.setFunnelTimeZone(
                try FunnelTimeZone(Self.zone), organization: lumen.id, in: .everyOrganization)
        }
        try await withFunnelServers(engine, prepare: prepare) { servers in
            let server = servers[0]
            let store = server.store
            let lumen = try await server.organization(named: "Lumen Dermatology")

            let visitor = server.browser()
            let path = "/\(Self.code)"
            #expect(try await Self.get(visitor, path + "?qr", agent: "Phone A").status == .ok)
            #expect(try await Self.get(visitor, path + "?qr", agent: "Phone B").status == .ok)
            #expect(try await Self.get(server.browser(), path + "?qr", agent: "Phone A").status == .ok)
            #expect(try await Self.get(visitor, path, agent: "Laptop C").status == .ok)
            #expect(try await Self.get(visitor, path + "?utm_source=flyer", agent: "Laptop C").status == .ok)
            #expect(try await Self.get(visitor, path + "?qr&qr", agent: "Phone D").status == .ok)
            #expect(try await Self.get(visitor, "/api/v1/links/\(Self.code)", agent: "App E").status == .ok)
            #expect(try await Self.get(visitor, path, agent: "Slackbot-LinkExpanding 1.0").status == .ok)
            #expect(
                try await visitor.request(path, method: .head, headers: [.userAgent: "Phone A"]).status == .ok)
            #expect(
                try await Self.get(visitor, path, agent: "Phone A", [HTTPField.Name("Sec-Purpose")!: "prefetch"])
                    .status == .ok)
            #expect(
                try await Self.get(visitor, path, agent: "Phone A", [HTTPField.Name("Purpose")!: "prefetch"]).status
                    == .ok)

            // A new patient: page, Connect, signup.
            let patient = server.browser()
            let connect = try await patient.connect(via: path)
            let signup = try await patient.get(try #require(connect.location))
            let created = try await patient.signUp(
                form: [
                    "name": "Ada", "email": "ada@example.com", "password": "patient password",
                    "continuation": try #require(signup.hiddenValue("continuation")),
                ], from: signup)
            #expect(created.location?.hasPrefix("/conversations/") == true)

            // Another clinic: page, Connect, Connect with Clinic.
            let sam = server.browser()
            try await sam.logIn("sam@riverbendpt.example")
            let prompt = try await sam.get(try #require(try await sam.connect(via: path).location))
            let answered = try await sam.post(
                "/inbox/prompt", form: ["prompt": try #require(prompt.hiddenValue("prompt")), "answer": "connect"],
                from: prompt)
            #expect(answered.location?.hasPrefix("/conversations/") == true)

            // An invitation sent through the API, opened, accepted by signing up.
            let (key, _) = try await store.createAPIKey(for: lumen.id)
            let sent = try await server.browser().request(
                "/api/v1/invitations", method: .post,
                headers: [.authorization: "Bearer \(key)", .contentType: "application/json"],
                body: ByteBuffer(string: #"{"code": "\#(Self.code)", "name": "Cy", "email": "cy@example.com"}"#))
            #expect(sent.status == .created)
            let url = try #require(sent.text.firstMatch(of: /"url":"[^"]*(\/i\/[a-z0-9]+)"/)?.1)
            let invited = server.browser()
            let page = try await invited.get(String(url))
            #expect(page.status == .ok)
            let invitedConnect = try await invited.post(String(url) + "/connect", form: [:], from: page)
            let invitedSignup = try await invited.get(try #require(invitedConnect.location))
            let joined = try await invited.signUp(
                form: [
                    "name": "Cy", "email": "cy@example.com", "password": "patient password",
                    "continuation": try #require(invitedSignup.hiddenValue("continuation")),
                ], from: invitedSignup)
            #expect(joined.location?.hasPrefix("/conversations/") == true)

            var expected = FunnelCounts()
            expected[.scan] = 3
            expected[.visit] = 7
            expected[.preview] = 4
            expected[.connectClick] = 3
            expected[.signupStarted] = 2
            expected[.signupCompleted] = 2
            expected[.conversationPatient] = 2
            expected[.conversationClinic] = 1
            expected[.invitationSent] = 1
            expected[.invitationOpened] = 1
            expected[.invitationAccepted] = 1
            // Phone A, Phone B, Laptop C, Phone D, App E, and the browsers without a user agent.
            expected.uniqueVisitors = 6
            try await Self.expectTotals(store, expected)

            // What the practice sees: the API, the page and the CSV.
            let api = try await server.browser().get(
                "/api/v1/links/\(Self.code)/stats?by=month", headers: [.authorization: "Bearer \(key)"])
            #expect(api.status == .ok)
            #expect(
                api.text.contains(#""timeZone":"America\/New_York""#)
                    || api.text.contains(#""timeZone":"America/New_York""#))
            let priya = server.browser()
            try await priya.logIn("priya.raman@lumenderm.example")
            let stats = try await priya.get("/workspace/links/\(Self.code)/stats")
            #expect(stats.status == .ok)
            #expect(stats.text.contains("<svg"))
            #expect(stats.text.contains("<td>3</td>"))
            let csv = try await priya.get("/workspace/links/\(Self.code)/stats.csv")
            #expect(csv.headers[.contentType] == "text/csv; charset=utf-8")
            #expect(csv.text.hasPrefix("period,scan,visit,"))
            // Another clinic's member gets the 404 of an unknown code.
            #expect(try await sam.get("/workspace/links/\(Self.code)/stats").status == .notFound)
            #expect(try await priya.get("/workspace/links/\(Self.code)/stats?from=2026-13-01").status == .badRequest)

            // Nothing that identifies a visitor is in any table.
            let lines = Mutex<[String]>([])
            _ = try await store.export { line in lines.withLock { $0.append(line) } }
            let dump = lines.withLock { $0.joined(separator: "\n") }
            for secret in ["127.0.0.1", "Phone A", "Laptop C", "Slackbot", "App E"] {
                #expect(!dump.contains(secret), "\(secret) is stored")
            }
        }
    }

    @Test("a graceful shutdown writes what was counted since the last flush", arguments: FunnelEngine.all)
    func shutdownFlushes(_ engine: FunnelEngine) async throws {
        let hour = FunnelSettings(flushInterval: 3_600, maximumFlushInterval: 3_600)
        @Sendable func countThreeViews(_ servers: [LiveServer]) async throws {
            let browser = servers[0].browser()
            for (query, agent) in [("?qr", "Phone A"), ("?qr", "Phone B"), ("", "Phone A")] {
                #expect(try await Self.get(browser, "/\(Self.code)\(query)", agent: agent).status == .ok)
            }
            #expect(try await Self.totals(servers[0].store) == FunnelCounts())
        }
        func expectStored(_ stores: [SpruceStore]) async throws {
            var expected = FunnelCounts()
            expected[.scan] = 2
            expected[.visit] = 1
            expected.uniqueVisitors = 2
            #expect(try await Self.totals(stores[0]) == expected)
        }
        try await withFunnelServers(engine, funnel: hour, stopped: expectStored, countThreeViews)
    }

    @Test("one keep-alive connection carrying several clients counts each by its own user agent and purpose")
    func oneConnectionManyClients() async throws {
        try await withFunnelServers(.sqlite) { servers in
            let server = servers[0]
            let requests = [
                ("Phone A", ""), ("Slackbot-LinkExpanding 1.0", ""), ("Phone A", ""),
                ("Phone A", "Sec-Purpose: prefetch\r\n"), ("Phone B", ""), ("Phone A", ""),
            ]
            let text = requests.enumerated().map { index, request -> String in
                let close = index == requests.count - 1 ? "Connection: close\r\n" : ""
                return "GET /\(Self.code) HTTP/1.1\r\nHost: x\r\nUser-Agent: \(request.0)\r\n\(request.1)\(close)\r\n"
            }.joined()
            let reply = try await RawHTTP.exchangeOffPool(port: server.port, text)
            #expect(reply.components(separatedBy: "HTTP/1.1 200 OK").count == requests.count + 1)
            var expected = FunnelCounts()
            expected[.visit] = 4
            expected[.preview] = 2
            expected.uniqueVisitors = 2
            try await Self.expectTotals(server.store, expected)
        }
    }

    @Test("two instances on one PostgreSQL add up")
    func twoInstances() async throws {
        guard FunnelEngine.postgresURL != nil else { return }
        try await withFunnelServers(.postgres, count: 2) { servers in
            for (index, server) in servers.enumerated() {
                for visit in 0..<(index + 2) {
                    #expect(
                        try await Self.get(server.browser(), "/\(Self.code)?qr", agent: "Phone \(index)-\(visit)")
                            .status == .ok)
                }
                #expect(try await Self.get(server.browser(), "/\(Self.code)", agent: "Phone \(index)-0").status == .ok)
            }
            var expected = FunnelCounts()
            expected[.scan] = 5
            expected[.visit] = 2
            expected.uniqueVisitors = 5
            let zone = FunnelTimeZone.utc
            var last = FunnelCounts()
            for _ in 0..<100 {
                let today = LocalDay(Date(), in: zone.timeZone)
                last = try await servers[0].store.linkFunnel(
                    code: try LinkCode(Self.code), range: try FunnelRange(from: today.adding(days: -1), to: today),
                    grouping: .day, in: .everyOrganization
                ).totals
                if last == expected { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(last == expected)
        }
    }

    @Test("every QR image the server renders decodes to a URL the parser reads as a scan of the same link")
    func renderedCodesDecode() async throws {
        try await withFunnelServers(.sqlite) { servers in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-qr-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for code in ["4827163", "3914805", "oak-street-pediatrics"] {
                guard try await servers[0].store.link(code: try LinkCode(code)) != nil else { continue }
                let image = try await servers[0].browser().get("/\(code)/qr.png?size=6")
                #expect(image.status == .ok)
                let file = folder.appendingPathComponent("\(code).png")
                try Data(image.body.readableBytesView).write(to: file)
                let zbar = try await runTool(["zbarimg", "--raw", "-q", file.path])
                let script = packageRoot.appendingPathComponent("scripts/decode_all_qr.py").path
                let zxing = try await runTool(["python3", script, file.path])
                let entries = try JSONSerialization.jsonObject(with: Data(zxing.output.utf8)) as? [[String: Any]]
                // runTool merges stderr (zbar's D-Bus complaints) into the output: the code is the last line.
                let zbarText = zbar.output.split(whereSeparator: \.isNewline).last.map(String.init) ?? ""
                let texts =
                    [zbarText]
                    + ((entries?.first?["texts"] as? [String]) ?? [])
                #expect(texts.count == 2)
                for text in texts {
                    let scanned = try #require(try? ScannedLink.parse(text), "\(code): \(text.debugDescription)")
                    #expect(scanned.isScan, "\(text)")
                    #expect(scanned.target == .practice(try LinkCode(code)))
                }
            }
        }
    }
}
