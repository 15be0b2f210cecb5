// Store benchmarks (release build): bulk minting into SQLite, and resolve latency as the links table grows.
//
// Each figure is printed with a baseline measured in the same run, because absolute times on these machines lie:
// - minting is compared with inserting the same number of rows through a plain multi-row INSERT on the
//   same engine (no conflict handling, no RETURNING, no tags): the floor for writing those rows;
// - resolve latency at 100 000 and 1 000 000 links is divided by the latency at 1 000 links: an index keeps
//   the ratio near 1, a scan would make it grow with the table.
import Foundation
import SQLiteKit
import SpruceCore
import SpruceStore

let arguments = CommandLine.arguments
let quick = arguments.contains("--quick")
let mintCount = quick ? 20_000 : 100_000
let sizes = quick ? [1_000, 20_000] : [1_000, 100_000, 1_000_000]
let lookups = quick ? 2_000 : 20_000

func temporaryDatabase(_ name: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-bench-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder.appendingPathComponent("\(name).sqlite").path
}

func seconds(_ body: () async throws -> Void) async rethrows -> Double {
    let start = ContinuousClock.now
    try await body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func format(_ value: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", value) }

// MARK: Bulk mint

/// The floor: the same rows through plain multi-row INSERTs on a bare sqlite-nio connection, one transaction.
func plainInsertSeconds(count: Int) async throws -> Double {
    let connection = try await SQLiteConnection.open(storage: .file(path: try temporaryDatabase("plain")))
    let database = connection.sql()
    try await database.execute(sql: SQLRaw("PRAGMA journal_mode = WAL")) { _ in }
    try await database.execute(sql: SQLRaw("PRAGMA synchronous = NORMAL")) { _ in }
    try await database.execute(
        sql: SQLRaw(
            "CREATE TABLE links (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE, organization_id INTEGER NOT NULL, "
                + "label TEXT NOT NULL, status TEXT NOT NULL, is_primary BOOLEAN NOT NULL, created_at INTEGER NOT NULL)"
        )
    ) { _ in }
    let codes = (0..<count).map { _ in LinkCode.randomNumeric(length: 10).rawValue }
    let elapsed = try await seconds {
        try await database.execute(sql: SQLRaw("BEGIN IMMEDIATE")) { _ in }
        for start in stride(from: 0, to: count, by: 2_000) {
            var insert = database.insert(into: "links")
                .columns("code", "organization_id", "label", "status", "is_primary", "created_at")
            for code in codes[start..<min(start + 2_000, count)] {
                insert = insert.values(
                    SQLBind(code), SQLBind(1), SQLBind("Flyers"), SQLBind("active"), SQLBind(false), SQLBind(0))
            }
            try await insert.ignoringConflicts(with: "code").run()
        }
        try await database.execute(sql: SQLRaw("COMMIT")) { _ in }
    }
    try await connection.close()
    return elapsed
}

let mintStore = try await SpruceStore.open(.sqlite(path: try temporaryDatabase("mint")), settings: StoreSettings(signingKey: .random()))
let (mintOrganization, _) = try await mintStore.createOrganization(ClinicProfile(displayName: "Bench Clinic"))
// Without tags, so that both sides write the same rows (a tagged link also writes a `link_tags` row).
let request = MintRequest(organizationID: mintOrganization.id, label: "Flyers")
let mintSeconds = try await seconds { _ = try await mintStore.mintLinks(request, count: mintCount) }
let baselineSeconds = try await plainInsertSeconds(count: mintCount)
await mintStore.close()
let mintRate = Double(mintCount) / mintSeconds
let baselineRate = Double(mintCount) / baselineSeconds
print("mint: \(mintCount) links in one transaction: \(format(mintRate, 0)) links/s (target >= 50000)")
print("mint baseline: plain multi-row INSERT of the same rows: \(format(baselineRate, 0)) rows/s")
print("mint ratio (mint / baseline): \(format(mintRate / baselineRate, 2))x")

// MARK: Resolve latency as the table grows

var latencies: [Int: Double] = [:]
for size in sizes {
    let store = try await SpruceStore.open(.sqlite(path: try temporaryDatabase("resolve-\(size)")), settings: StoreSettings(signingKey: .random()))
    let (organization, _) = try await store.createOrganization(ClinicProfile(displayName: "Bench Clinic \(size)"))
    var codes: [LinkCode] = []
    var remaining = size
    while remaining > 0 {
        let batch = min(remaining, 100_000)
        codes += try await store.mintLinks(
            MintRequest(organizationID: organization.id, kind: .numeric(length: 10)), count: batch
        ).map(\.code)
        remaining -= batch
    }
    var generator = SystemRandomNumberGenerator()
    let sample = (0..<lookups).map { _ in codes[Int.random(in: 0..<codes.count, using: &generator)] }
    for code in sample.prefix(200) { _ = try await store.resolve(code: code) }
    let elapsed = try await seconds {
        for code in sample {
            guard case .found = try await store.resolve(code: code) else { fatalError("benchmark code not found") }
        }
    }
    latencies[size] = elapsed / Double(lookups) * 1e6
    print("resolve at \(size) links: \(format(latencies[size] ?? 0)) µs per lookup")
    await store.close()
}
if let smallest = sizes.first.flatMap({ latencies[$0] }), let largest = sizes.last.flatMap({ latencies[$0] }) {
    print("resolve ratio (\(sizes.last ?? 0) / \(sizes.first ?? 0) links): \(format(largest / smallest, 2))x (target <= 1.5)")
}
