// Store benchmarks (release build): bulk minting into SQLite, resolve latency as the links table grows, the link
// directory's memory and load time, and the funnel's flush (`--funnel-only` runs that alone).
//
// Each figure is printed with a baseline measured in the same run, because absolute times on these machines lie:
// - minting is compared with inserting the same number of rows through a plain multi-row INSERT on the
//   same engine (no conflict handling, no RETURNING, no tags): the floor for writing those rows;
// - resolve latency at 100 000 and 1 000 000 links is divided by the latency at 1 000 links: an index keeps
//   the ratio near 1, a scan would make it grow with the table.
import Foundation
import SQLiteKit
import SpruceCore
import SpruceProcess
import SpruceStore
import Synchronization

let arguments = CommandLine.arguments
if arguments.count > 2, arguments[1] == "--directory-child" {
    try await measureDirectory(path: arguments[2])
    exit(0)
}
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

// MARK: The funnel's flush

/// One flush of `links` links' funnel for a day, as a busy server writes one after a flyer campaign: a visit and a
/// visitor per link, a scan on every other one; in CPU seconds of this process (SQLite runs in it). Three flushes
/// in turn, the way the server's flusher makes them (``FunnelLinks``, ``StoredSketches``): the day's first (every
/// row new, every link looked up), the same visitors again (counts added; the links and sketches known, so only
/// counts are written: a busy server's steady state), and new visitors (every sketch read back and merged). The
/// floor is the plain multi-row INSERT of as many rows.
func measureFunnelFlush(links: Int) async throws {
    let sharded = try await funnelFlushes(links: links, mergedFirst: false)
    let merged = try await funnelFlushes(links: links, mergedFirst: true)
    let floorSeconds = try await plainInsertSeconds(count: links + 1)
    let floor = floorSeconds / Double(links + 1) * 1e6
    func line(_ figures: [Double]) -> String {
        "first of the day \(format(figures[0], 2)), same visitors again \(format(figures[1], 2)), new visitors "
            + "\(format(figures[2], 2)); ratios to the floor "
            + figures.map { format($0 / floor, 2) + "x" }.joined(separator: ", ")
    }
    print(
        "funnel flush of \(links + 1) links (a visit and a visitor each, a scan on half), µs CPU per link; "
            + "floor (plain multi-row INSERT of as many rows, wall) \(format(floor, 2)) µs\n"
            + "  as the flusher writes them, 64 shards' tallies unmerged: \(line(sharded))\n"
            + "  the shards merged into one tally first (the flusher before 2026-11-30): \(line(merged))\n"
            + "  unmerged / merged: "
            + zip(sharded, merged).map { format($0 / $1, 2) + "x" }.joined(separator: ", "))
}

/// µs of CPU a link for a first, a steady and a new-visitors flush of `links` links into a fresh database, each as
/// the flusher does it from its 64 shards' tallies: visitors known stored taken out, the write, then what it stored
/// remembered. With `mergedFirst`, the tallies are merged into one before all that (timed), as the flusher did
/// before it wrote them unmerged.
func funnelFlushes(links: Int, mergedFirst: Bool) async throws -> [Double] {
    let path = try await filledDirectoryDatabase(count: links + 1)
    let store = try await SpruceStore.open(.sqlite(path: path), settings: StoreSettings(signingKey: .random()))
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    let codes = try await connection.sql().select().column("code").from("links").all()
        .map { try LinkCode(try $0.decode(column: "code", as: String.self)) }
    try await connection.close()
    let day = LocalDay(Date(), in: TimeZone(secondsFromGMT: 0) ?? .gmt)
    func tallies(visitors: [UInt64]) -> [FunnelTally] {
        var parts = Array(repeating: FunnelTally(), count: 64)
        for (index, code) in codes.enumerated() {
            parts[index % 64].add(.visit, visitor: visitors[index], code: code, day: day)
            if index.isMultiple(of: 2) { parts[index % 64].add(.scan, code: code, day: day) }
        }
        return parts
    }
    let first = codes.map { _ in UInt64.random(in: .min ... .max) }
    let later = codes.map { _ in UInt64.random(in: .min ... .max) }
    var known = FunnelLinks()
    var stored = StoredSketches()
    var figures: [Double] = []
    for visitors in [first, first, later] {
        var parts = tallies(visitors: visitors)
        let before = processCPUSeconds()
        if mergedFirst { parts = [parts.reduce(into: FunnelTally()) { $0.merge($1) }] }
        for index in parts.indices { stored.removeStored(from: &parts[index]) }
        known.learn(try await store.recordFunnel(parts, known: known))
        for part in parts { stored.remember(part) }
        figures.append((processCPUSeconds() - before) / Double(codes.count) * 1e6)
    }
    await store.close()
    return figures
}

if arguments.contains("--funnel-only") {
    try await measureFunnelFlush(links: 100_000)
    exit(0)
}

let mintStore = try await SpruceStore.open(
    .sqlite(path: try temporaryDatabase("mint")), settings: StoreSettings(signingKey: .random()))
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

// MARK: A million links into a store that holds a million

/// The system's codes, counting every draw so that the run can say how many collided.
final class CountingCodeSource: LinkCodeSource {
    private let draws = Atomic<Int>(0)
    var drawCount: Int { draws.load(ordering: .relaxed) }
    func numericCode(length: Int) -> LinkCode {
        draws.add(1, ordering: .relaxed)
        return LinkCode.randomNumeric(length: length)
    }
}

let crowdCount = quick ? 100_000 : 1_000_000
let crowdStore = try await SpruceStore.open(
    .sqlite(path: try temporaryDatabase("crowd")), settings: StoreSettings(signingKey: .random()))
let (crowdOrganization, _) = try await crowdStore.createOrganization(ClinicProfile(displayName: "Crowd Clinic"))
let crowdRequest = MintRequest(organizationID: crowdOrganization.id, label: "Flyers")
let firstMillion = CountingCodeSource()
let fillSeconds = try await seconds {
    _ = try await crowdStore.mint(crowdRequest, count: crowdCount, codes: firstMillion)
}
let secondMillion = CountingCodeSource()
var crowdResult: MintedLinks?
let crowdSeconds = try await seconds {
    crowdResult = try await crowdStore.mint(crowdRequest, count: crowdCount, codes: secondMillion)
}
await crowdStore.close()
let crowdMinted = crowdResult?.links.count ?? 0
print(
    "mint \(crowdCount) into an empty store: \(format(fillSeconds, 2)) s, \(firstMillion.drawCount - crowdCount) collisions"
)
print(
    "mint \(crowdCount) more in one call into the store holding \(crowdCount + 1): \(crowdMinted) minted "
        + "(\(crowdResult?.codeLength ?? 0)-digit codes) in \(format(crowdSeconds, 2)) s, "
        + "\(secondMillion.drawCount - crowdCount) collisions redrawn")

// MARK: Resolve latency as the table grows

var latencies: [Int: Double] = [:]
var databases: [Int: String] = [:]
for size in sizes {
    let path = try temporaryDatabase("resolve-\(size)")
    databases[size] = path
    let store = try await SpruceStore.open(.sqlite(path: path), settings: StoreSettings(signingKey: .random()))
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
    print(
        "resolve ratio (\(sizes.last ?? 0) / \(sizes.first ?? 0) links): \(format(largest / smallest, 2))x (target <= 1.5)"
    )
}

// MARK: The link directory: memory per link, load time, look-up time from 1 000 to 10 000 000 links

/// Resident memory of this process in bytes (`/proc/self/statm`, second field, in pages).
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return fields.count > 1 ? (Int(fields[1]) ?? 0) * Int(sysconf(Int32(_SC_PAGESIZE))) : 0
}

/// CPU time of this process, user and system, in seconds (a figure other work on the machine hardly changes).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    return user + Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
}

/// In a fresh process (so that memory freed by minting cannot hide the directory's growth): open the store,
/// note resident memory, load the directory, note it again; then time `cached(_:)` on random codes.
func measureDirectory(path: String) async throws {
    let store = try await SpruceStore.open(.sqlite(path: path), settings: StoreSettings(signingKey: .random()))
    let directory = LinkDirectory(store: store, settings: LinkDirectory.Settings(syncInterval: .seconds(3_600)))
    let before = residentBytes()
    let cpuBefore = processCPUSeconds()
    let loadSeconds = try await seconds { try await directory.sync() }
    let loadCPU = processCPUSeconds() - cpuBefore
    let after = residentBytes()
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    let codes = try await connection.sql().select().column("code").from("links").orderBy(SQLFunction("random"))
        .limit(20_000).all().map { try LinkCode(try $0.decode(column: "code", as: String.self)) }
    try await connection.close()
    let rounds = 200_000
    var found = 0
    for code in codes.prefix(1_000) where directory.cached(code) != nil { found += 1 }
    let start = ContinuousClock.now
    for index in 0..<rounds where directory.cached(codes[index % codes.count]) != nil { found += 1 }
    let elapsed = ContinuousClock.now - start
    let lookupNanoseconds =
        (Double(elapsed.components.seconds) * 1e9 + Double(elapsed.components.attoseconds) / 1e9)
        / Double(rounds)
    await store.close()
    print(
        "links=\(directory.count) grown=\(after - before) resident=\(after) load_s=\(loadSeconds) load_cpu_s=\(loadCPU) lookup_ns=\(lookupNanoseconds) found=\(found)"
    )
}

/// Fills a fresh store with `count` numeric links straight through SQL (minting 10 000 000 through the store would
/// take most of an hour here): distinct 10-digit codes `1 000 000 000 + i · 2 654 435 761 mod 9 000 000 000` (a
/// multiplier prime to the modulus, so no two collide), active, standard colors, as minted links are.
func filledDirectoryDatabase(count: Int) async throws -> String {
    let path = try temporaryDatabase("directory-\(count)")
    let store = try await SpruceStore.open(.sqlite(path: path), settings: StoreSettings(signingKey: .random()))
    let (organization, _) = try await store.createOrganization(ClinicProfile(displayName: "Directory \(count)"))
    await store.close()
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    let database = connection.sql()
    try await database.execute(sql: SQLRaw("PRAGMA journal_mode = WAL")) { _ in }
    try await database.execute(
        sql: SQLRaw(
            """
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(count - 1)) \
            INSERT INTO links (code, organization_id, label, status, is_primary, created_at) \
            SELECT CAST(1000000000 + (i * 2654435761) % 9000000000 AS TEXT), \(organization.id.rawValue), 'Flyers', \
            'active', 0, 0 FROM n
            """)
    ) { _ in }
    try await connection.close()
    return path
}

// `--ten-million` adds the 10 000 000-link directory (about a minute to fill, and 1 GiB of memory at most).
let directorySizes =
    (quick ? [1_000, 100_000, 1_000_000] : [1_000, 1_000_000])
    + (arguments.contains("--ten-million") ? [10_000_000] : [])
var lookupTimes: [Int: Double] = [:]
for size in directorySizes {
    let path: String
    if let existing = databases[size] {
        path = existing
    } else {
        path = try await filledDirectoryDatabase(count: size)
    }
    var child = ChildProcess("/proc/self/exe", ["--directory-child", path])
    child.errors = .inherit
    let text = String(decoding: try child.run().output, as: UTF8.self)
    var values: [String: Double] = [:]
    for field in text.split(whereSeparator: { $0 == " " || $0 == "\n" }) {
        let parts = field.split(separator: "=")
        if parts.count == 2 { values[String(parts[0])] = Double(parts[1]) }
    }
    let links = values["links"] ?? 0
    let perLink = links > 0 ? (values["grown"] ?? 0) / links : 0
    lookupTimes[size] = values["lookup_ns"] ?? 0
    print(
        "link directory at \(Int(links)) links: resident growth \(format(perLink)) bytes/link (target <= 64 from "
            + "1 000 000), load \(format(values["load_s"] ?? 0, 2)) s (target <= 1 s at 1 000 000; CPU "
            + "\(format(values["load_cpu_s"] ?? 0, 2)) s), cached look-up "
            + "\(format(values["lookup_ns"] ?? 0)) ns, process resident "
            + "\(format((values["resident"] ?? 0) / 1_048_576, 0)) MiB")
}
if let smallest = directorySizes.first.flatMap({ lookupTimes[$0] }),
    let largest = directorySizes.last.flatMap({ lookupTimes[$0] }), smallest > 0
{
    print(
        "link directory look-up ratio (\(directorySizes.last ?? 0) / \(directorySizes.first ?? 0) links): "
            + "\(format(largest / smallest, 2))x (target <= 1.5)")
}
try await measureFunnelFlush(links: quick ? 20_000 : 100_000)
print(
    "load average: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")"
)
