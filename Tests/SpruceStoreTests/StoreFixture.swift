import Foundation
import PostgresKit
import SpruceCore
import SpruceStore
import Synchronization
import Testing

/// The engines the store suites run on: SQLite always, PostgreSQL when `make test` started a server for the run
/// (scripts/with-postgres.sh sets `SPRUCELINK_TEST_POSTGRES_URL`).
enum TestEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    static let postgresURL = ProcessInfo.processInfo.environment["SPRUCELINK_TEST_POSTGRES_URL"]

    static var all: [TestEngine] { postgresURL == nil ? [.sqlite] : [.sqlite, .postgres] }

    var testDescription: String { rawValue }
}

/// Opens a store on a fresh database — an SQLite file in a temp folder, or a new schema on the test PostgreSQL
/// server — runs `body`, then closes the store and removes the file or drops the schema.
func withStore<T>(
    _ engine: TestEngine = .sqlite,
    settings: StoreSettings = testSettings(),
    _ body: (SpruceStore, DatabaseLocation) async throws -> T
) async throws -> T {
    let scratch = try await ScratchDatabase.make(engine)
    let store = try await SpruceStore.open(scratch.location, settings: settings)
    do {
        let result = try await body(store, scratch.location)
        await store.close()
        try await scratch.remove()
        return result
    } catch {
        await store.close()
        try? await scratch.remove()
        throw error
    }
}

/// A database made for one test.
struct ScratchDatabase: Sendable {
    let location: DatabaseLocation
    private let folder: URL?
    private let schema: String?

    static func make(_ engine: TestEngine) async throws -> ScratchDatabase {
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sprucelink-store-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let file = folder.appendingPathComponent("test.sqlite").path
            return ScratchDatabase(location: .sqlite(path: file), folder: folder, schema: nil)
        case .postgres:
            guard let url = TestEngine.postgresURL else {
                throw ScratchError(
                    description: "SPRUCELINK_TEST_POSTGRES_URL is not set: run the suites with make test")
            }
            let schema = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await PostgresAdmin.execute("CREATE SCHEMA \(schema)", on: url)
            let separator = url.contains("?") ? "&" : "?"
            return ScratchDatabase(
                location: .postgres(url: url + separator + "schema=\(schema)&pool_size=4&pool_timeout=120"),
                folder: nil, schema: schema)
        }
    }

    func remove() async throws {
        if let folder { try? FileManager.default.removeItem(at: folder) }
        if let schema, let url = TestEngine.postgresURL {
            try await PostgresAdmin.execute("DROP SCHEMA \(schema) CASCADE", on: url)
        }
    }
}

struct ScratchError: Error, CustomStringConvertible { let description: String }

/// One-off statements on the test server, outside any store.
enum PostgresAdmin {
    static func execute(_ sql: String, on url: String) async throws {
        let configuration = try SQLPostgresConfiguration(url: url)
        let connection = try await PostgresConnection.connect(
            configuration: configuration.coreConfiguration, id: 1, logger: Logger(label: "test.postgres"))
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test.postgres"))
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The repository's Fixtures folder.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Hands out a scripted list of codes, then falls back to random ones: forces collisions on purpose.
final class ScriptedCodeSource: LinkCodeSource {
    private let remaining: Mutex<[LinkCode]>
    private let drawn = Atomic<Int>(0)

    init(_ codes: [String]) throws {
        self.remaining = Mutex(try codes.map { try LinkCode($0) })
    }

    var drawCount: Int { drawn.load(ordering: .relaxed) }

    func numericCode(length: Int) -> LinkCode {
        drawn.add(1, ordering: .relaxed)
        return remaining.withLock { codes in
            codes.isEmpty ? LinkCode.randomNumeric(length: length) : codes.removeFirst()
        }
    }
}

func sampleProfile(_ name: String = "Oak Street Pediatrics", kind: OrganizationKind = .practice) -> ClinicProfile {
    ClinicProfile(
        displayName: name, kind: kind, specialty: "Pediatrics", summary: "Care for kids.",
        address: "1 Oak St", phone: "+1 217-555-0100", website: "https://oak.example", hours: "Mon–Fri 8–5"
    )
}

/// Settings for tests: a cheap password hash (the real cost is exercised once, in its own test) and no rate caps.
func testSettings(throttles: Throttles = .unlimited) -> StoreSettings {
    StoreSettings(signingKey: .random(), passwordHasher: PasswordHasher(cost: 16), throttles: throttles)
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

/// Numeric codes drawn at random from `space` consecutive values starting at `first`, so that a test store fills
/// the space quickly; `capacity` is what the source tells minting its space holds (the real one by default).
final class SmallSpaceCodeSource: LinkCodeSource {
    let first: Int
    let space: Int
    let reportedCapacity: [Int: Int]
    private let drawn = Atomic<Int>(0)

    init(first: Int = 1_000_000, space: Int, reportedCapacity: [Int: Int] = [:]) {
        self.first = first
        self.space = space
        self.reportedCapacity = reportedCapacity
    }

    var drawCount: Int { drawn.load(ordering: .relaxed) }

    func numericCode(length: Int) -> LinkCode {
        drawn.add(1, ordering: .relaxed)
        let digits = String(first + Int.random(in: 0..<space))
        guard digits.count == length, let code = try? LinkCode(digits) else {
            return LinkCode.randomNumeric(length: length)
        }
        return code
    }

    func capacity(length: Int) -> Int {
        reportedCapacity[length] ?? (1..<length).reduce(9) { value, _ in value * 10 }
    }
}
