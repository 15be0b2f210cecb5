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

#if canImport(Glibc)
    import Glibc
#endif

/// The seeded staff password of every server test.
let staffPassword = "staff password 1"
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A live server (HummingbirdTesting `.live`, a real socket on a free port) over a fresh SQLite file seeded
/// from Fixtures/clinics.json. `body` gets the store and a client factory.
func withLiveServer<T: Sendable>(
    engine: ServerTestEngine = .sqlite,
    throttles: Throttles = .unlimited,
    publicURL: String = "https://spruce.care",
    signingKey: SigningKey = .random(),
    answersHotReadsFromMemory: Bool = true,
    trustedProxies: [String] = [],
    connectionLimits: ConnectionLimits = ConnectionLimits(),
    sessionTimeouts: SessionTimeouts = SessionTimeouts(),
    app: AppConfiguration = .none,
    requestLogSink: (any RequestLogSink)? = nil,
    _ body: @Sendable (LiveServer) async throws -> T
) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-http-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let outboxPath = folder.appendingPathComponent("outbox").path
    let messenger = OutboxMessenger(
        outbox: try await Outbox.make(directory: outboxPath, syncsToDisk: false),
        from: try MailboxAddress(parsing: "Spruce <accounts@spruce.care>"), publicURL: publicURL)
    let (location, schema) = try await engine.scratch(in: folder)
    let store = try await SpruceStore.open(
        location,
        settings: .liveServerTest(signingKey: signingKey, throttles: throttles, messenger: messenger))
    do {
        try await store.seed(
            try SeedFile.load(from: packageRoot.appendingPathComponent("Fixtures/clinics.json").path),
            memberPassword: staffPassword)
        var logger = Logger(label: "test.server")
        logger.logLevel = .warning
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, publicURL: publicURL, linkSyncInterval: 1)
        configuration.answersHotReadsFromMemory = answersHotReadsFromMemory
        configuration.trustedProxies = trustedProxies
        configuration.connectionLimits = connectionLimits
        configuration.sessionTimeouts = sessionTimeouts
        configuration.app = app
        if let requestLogSink {
            configuration.requestLogSink = requestLogSink
            logger.logLevel = .info
        }
        configuration.outboxDirectory = outboxPath
        let metricsPort = PortBox()
        configuration.metrics = MetricsListener(host: "127.0.0.1", port: 0) { port in metricsPort.set(port) }
        let app = try await SpruceServer.makeApplication(store: store, configuration: configuration, logger: logger)
        let result = try await app.test(.live) { client in
            try await body(
                LiveServer(
                    client: client, store: store, port: client.port ?? 0, metricsPort: try await metricsPort.wait(),
                    outbox: outboxPath))
        }
        await store.close()
        if let schema { try await ServerTestEngine.dropSchema(schema) }
        return result
    } catch {
        await store.close()
        if let schema { try? await ServerTestEngine.dropSchema(schema) }
        throw error
    }
}

/// The database a live server test runs on: an SQLite file, or a fresh schema on the test PostgreSQL server
/// (`bash scripts/with-postgres.sh swift test …` sets `SPRUCELINK_TEST_POSTGRES_URL`).
enum ServerTestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static let postgresURL = ProcessInfo.processInfo.environment["SPRUCELINK_TEST_POSTGRES_URL"]
    static var all: [ServerTestEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }
    var testDescription: String { rawValue }

    func scratch(in folder: URL) async throws -> (DatabaseLocation, schema: String?) {
        switch self {
        case .sqlite: return (.sqlite(path: folder.appendingPathComponent("test.sqlite").path), nil)
        case .postgres:
            guard let url = Self.postgresURL else {
                throw FixtureError(description: "SPRUCELINK_TEST_POSTGRES_URL is not set")
            }
            let schema = "s_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await Self.execute("CREATE SCHEMA \(schema)", on: url)
            let separator = url.contains("?") ? "&" : "?"
            return (.postgres(url: url + separator + "schema=\(schema)&pool_size=4&pool_timeout=120"), schema)
        }
    }

    static func dropSchema(_ schema: String) async throws {
        if let url = postgresURL { try await execute("DROP SCHEMA \(schema) CASCADE", on: url) }
    }

    static func execute(_ sql: String, on url: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        let logger = Logger(label: "test.postgres")
        let connection = try await PostgresConnection.connect(
            configuration: configuration.coreConfiguration, id: 1, logger: logger)
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The server's parts over the seeded fixtures with the directory loaded, as the running server has them.
func withServerParts(app: AppConfiguration = .none, _ body: (ServerParts) async throws -> Void) async throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-hot-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let store = try await SpruceStore.open(
        .sqlite(path: folder.appendingPathComponent("hot.sqlite").path), settings: StoreSettings(signingKey: .random()))
    do {
        try await store.seed(
            try SeedFile.load(from: packageRoot.appendingPathComponent("Fixtures/clinics.json").path),
            memberPassword: staffPassword)
        var configuration = ServerConfiguration()
        configuration.app = app
        configuration.outboxDirectory = folder.appendingPathComponent("outbox").path
        let parts = try await ServerParts(store: store, configuration: configuration, logger: Logger(label: "test.hot"))
        try await parts.directory.sync()
        try await body(parts)
        await store.close()
    } catch {
        await store.close()
        throw error
    }
}

extension StoreSettings {
    /// The settings of a store behind a live test server: a cheap scrypt, and hashing threads scheduled like the
    /// serving ones. The whole suite keeps both cores busy for minutes, and below the serving threads a login
    /// waited up to 44 s for its hash, past the 20 s the test client waits for an answer (`PasswordThreadPriority`).
    static func liveServerTest(
        signingKey: SigningKey = .random(), throttles: Throttles = .unlimited, messenger: any AccountMessenger
    ) -> StoreSettings {
        var settings = StoreSettings(
            signingKey: signingKey, passwordHasher: PasswordHasher(cost: 16), throttles: throttles, messenger: messenger
        )
        settings.passwordThreadPriority = .sameAsServing
        return settings
    }
}

/// The port the metrics listener reports once it is up.
final class PortBox: Sendable {
    private let port = Atomic<Int>(0)

    func set(_ value: Int) { port.store(value, ordering: .releasing) }

    /// Waits up to 30 s: the whole suite at once on two cores can make a start slow.
    func wait() async throws -> Int {
        for _ in 0..<1200 {
            let value = port.load(ordering: .acquiring)
            if value != 0 { return value }
            try await Task.sleep(for: .milliseconds(25))
        }
        throw FixtureError(description: "the metrics listener did not start within 30 s")
    }
}

struct LiveServer: Sendable {
    let client: any TestClientProtocol
    let store: SpruceStore
    let port: Int
    /// The separate `/metrics` listener's port.
    let metricsPort: Int
    /// The outbox account codes and notices and the workspace's invitations are delivered to: a Maildir (`new/`)
    /// and `texts.jsonl`.
    let outbox: String
    var outboxFolder: URL { URL(fileURLWithPath: outbox) }

    /// A new browser with an empty cookie jar.
    func browser() -> Browser { Browser(client: client, outbox: outbox) }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func organization(named name: String) async throws -> Organization {
        guard let organization = try await store.organizations().first(where: { $0.profile.displayName == name }) else {
            throw FixtureError(description: "no organization \(name)")
        }
        return organization
    }
}

struct FixtureError: Error, CustomStringConvertible { let description: String }

/// One response, with its body as text.
struct Page: Sendable {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: ByteBuffer

    var text: String { String(buffer: body) }
    var location: String? { headers[.location] }
    var setCookies: [String] { headers[values: .setCookie] }

    /// The first hidden `csrf_token` on the page.
    var csrfToken: String? { hiddenValue("csrf_token") }

    func hiddenValue(_ name: String) -> String? {
        guard let range = text.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = text[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end]).replacingOccurrences(of: "&amp;", with: "&")
    }
}

/// A client with a cookie jar, driving the site the way a browser without JavaScript does.
final class Browser: Sendable {
    let client: any TestClientProtocol
    /// Where the server delivers account codes, read as the person would read their email or texts.
    let outbox: String
    private let jar = Mutex<[String: String]>([:])

    init(client: any TestClientProtocol, outbox: String) {
        self.client = client
        self.outbox = outbox
    }

    var cookies: [String: String] { jar.withLock { $0 } }

    func setCookie(_ name: String, _ value: String?) { jar.withLock { $0[name] = value } }

    func request(_ uri: String, method: HTTPRequest.Method, headers: HTTPFields = [:], body: ByteBuffer? = nil)
        async throws
        -> Page
    {
        var fields = headers
        let cookieHeader = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        if !cookieHeader.isEmpty { fields[.cookie] = cookieHeader }
        let response = try await client.executeRequest(uri: uri, method: method, headers: fields, body: body)
        let page = Page(status: response.status, headers: response.headers, body: response.body)
        for header in page.setCookies {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            guard pair.count >= 1 else { continue }
            let name = String(pair[0]).trimmingCharacters(in: .whitespaces)
            let value = pair.count > 1 ? String(pair[1]) : ""
            let expired = header.lowercased().contains("max-age=0")
            setCookie(name, expired || value.isEmpty ? nil : value)
        }
        return page
    }

    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> Page {
        try await request(uri, method: .get, headers: headers)
    }

    /// Posts a form; `csrf` defaults to the token on `from`, the page the form is on.
    func post(
        _ uri: String,
        form: [String: String],
        from page: Page? = nil,
        csrf: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> Page {
        var fields = form
        if let token = csrf ?? page?.csrfToken { fields["csrf_token"] = token }
        let body = fields.map { "\(Self.encode($0.key))=\(Self.encode($0.value))" }.joined(separator: "&")
        var headerFields = headers
        headerFields[.contentType] = "application/x-www-form-urlencoded"
        return try await request(uri, method: .post, headers: headerFields, body: ByteBuffer(string: body))
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics.intersection(
            CharacterSet(charactersIn: Unicode.Scalar(0)...Unicode.Scalar(127)))
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    /// Logs in through the form and returns the response of the POST.
    @discardableResult
    func logIn(_ login: String, password: String = staffPassword, next: String? = nil) async throws -> Page {
        let page = try await get("/login" + (next.map { "?next=" + Self.encode($0) } ?? ""))
        var form = ["login": login, "password": password]
        if let next { form["next"] = next }
        return try await post("/login", form: form, from: page)
    }

    /// Opens a link's profile page and presses Connect.
    func connect(via path: String) async throws -> Page {
        let profile = try await get(path)
        #expect(profile.status == .ok, "\(path): \(profile.status)")
        return try await post(path + "/connect", form: [:], from: profile)
    }

    /// Follows one 303 and returns the page it leads to.
    func follow(_ page: Page) async throws -> Page {
        guard let location = page.location else { throw FixtureError(description: "no Location on \(page.status)") }
        return try await get(location)
    }
}

/// JSON helpers for the API tests.
func jsonObject(_ page: Page) throws -> [String: Any] {
    guard let object = try JSONSerialization.jsonObject(with: Data(page.body.readableBytesView)) as? [String: Any]
    else {
        throw FixtureError(description: "not a JSON object: \(page.text)")
    }
    return object
}

/// HTTP/1.1 over a plain socket, for what a client library hides: several requests written at once (pipelining).
enum RawHTTP {
    /// Writes `requests` in one go on one connection and reads until the server closes it (the last request
    /// should carry `Connection: close`).
    static func exchange(port: Int, _ requests: String) throws -> String {
        let socket = try ClientSocket(port: port)
        try socket.send(requests)
        return String(decoding: socket.receiveAll().bytes, as: UTF8.self)
    }
}

extension SpruceStore {
    /// A link-only invitation (no delivery channels), made through the one invitation operation as the API makes
    /// one; fails the test unless a new invitation was recorded.
    func invite(
        link: LinkCode,
        recipient: InvitationRecipient,
        lifetime: TimeInterval = Invitation.defaultLifetime,
        at now: Date = Date()
    ) async throws -> (Invitation, InvitationToken) {
        let preparation = try await prepareInvitation(
            link: link, recipient: recipient, channels: [], invitedBy: nil, lifetime: lifetime, at: now)
        guard case .created(let record, let token) = preparation else {
            throw StoreError.invalidInput(field: "recipient", rule: "was not invited: \(preparation)")
        }
        return (record.invitation, token)
    }
}
