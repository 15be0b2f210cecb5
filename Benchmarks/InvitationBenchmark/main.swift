// Invitation throughput, measured the way `sprucelink invite batch --via email --outbox DIR` runs: a 10 000-row CSV
// (generated in a temp folder) parsed and validated (SwiftCSV), then, a chunk of 200 rows at a time, through the
// CLI's InvitationDispatcher (the next chunk recorded and rendered while one is delivered): one store transaction
// records the chunk (a real SQLite file, migrations run, a seeded practice and link), each row is rendered (QR PNG
// with SpruceQR at the CLI's scale, MIME email), the chunk is spooled into tmp/ with one flush, delivered into new/ with one flush, and marked in one transaction.
//
// Each durability scheme (ChunkFlush: syncfs of the file system, or fsync of each file batched per chunk;
// and none, the page cache only) is printed with a baseline measured in the same run: writing the same number of
// files of the same sizes into a Maildir with the same scheme (spool a chunk, flush, rename into new/, flush),
// building and recording nothing. Run: swift run -c release InvitationBenchmark [rows]
import Foundation
import SpruceCore
import SpruceDelivery
import SpruceQR
import SpruceStore
import Synchronization

let rows = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let chunkSize = InvitationDispatcher.defaultChunkSize
let root = FileManager.default.temporaryDirectory.appendingPathComponent("invitation-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }

var csv = "name,email,phone\n"
for i in 0..<rows {
    csv += "\"Patient \(i), Zoë\",patient\(i)@example.com,(217) 555-\(String(format: "%04d", i % 10_000))\n"
}
let csvData = Data(csv.utf8)

func seconds(_ elapsed: Duration) -> Double {
    Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

/// Time spent inside the QR closure (encode + PNG, compressed for size as the CLI does), summed over the threads
/// that render a chunk's codes at once.
final class QRClock: Sendable {
    let total = Mutex<Duration>(.zero)
    func render(_ link: String) throws -> [UInt8] {
        let start = ContinuousClock.now
        defer {
            let elapsed = ContinuousClock.now - start
            total.withLock { $0 += elapsed }
        }
        let code = try QRCode(text: link)
        return try PNGRenderer(options: RenderOptions(scale: 6, margin: 4), compression: .smallest).render(code)
    }
}

let templates = try InvitationTemplates.load()
let from = try MailboxAddress(parsing: "Spruce <invitations@spruce.care>")
let schemes: [(label: String, syncs: Bool, flush: ChunkFlush)] = [
    ("syncfs per chunk", true, .fileSystem),
    ("fsync each file, batched per chunk", true, .eachFile),
    ("no flush (page cache only)", false, .fileSystem),
]

for (run, scheme) in schemes.enumerated() {
    print("== \(scheme.label), chunks of \(chunkSize)")
    let folder = root.appendingPathComponent("run-\(run)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let store = try await SpruceStore.open(
        .sqlite(path: folder.appendingPathComponent("store.sqlite").path),
        settings: StoreSettings(signingKey: .random()))
    let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
    let outbox = try Outbox(
        directory: folder.appendingPathComponent("outbox").path, syncsToDisk: scheme.syncs,
        chunkFlush: scheme.flush)
    let clock = QRClock()
    let dispatcher = try await InvitationDispatcher(
        store: store, outbox: outbox, from: from, publicURL: "https://spruce.care", templates: templates,
        invitedBy: "bench", renderQR: { try clock.render($0) })

    let start = ContinuousClock.now
    let list = try InviteeList(data: csvData)
    var sent = 0
    let chunks = stride(from: 0, to: list.rows.count, by: chunkSize).map { first in
        list.rows[first..<min(first + chunkSize, list.rows.count)].compactMap { try? $0.recipient.get() }
    }
    await dispatcher.send(
        link: link.code, practiceName: "Oak Street Pediatrics", chunks: chunks, requested: [.email]
    ) { _, outcomes in
        for outcome in outcomes {
            if case .sent = outcome {
                sent += 1
            } else if case .failed(let reason) = outcome {
                print("failed: \(reason)")
            }
        }
    }
    let total = seconds(ContinuousClock.now - start)
    await store.close()

    let new = outbox.directory + "/new"
    let sizes = try FileManager.default.contentsOfDirectory(atPath: new).map { name in
        (try FileManager.default.attributesOfItem(atPath: new + "/" + name)[.size] as? Int) ?? 0
    }
    let baseline = try Outbox(
        directory: folder.appendingPathComponent("baseline").path, syncsToDisk: scheme.syncs,
        chunkFlush: scheme.flush)
    let baselineStart = ContinuousClock.now
    for first in stride(from: 0, to: sizes.count, by: chunkSize) {
        let chunk = (first..<min(first + chunkSize, sizes.count)).map { index in
            (
                name: SpoolName(invitationID: InvitationID(rawValue: Int64(index)), channel: .email),
                bytes: [UInt8](repeating: 0x41, count: sizes[index])
            )
        }
        try baseline.spool(chunk)
        for message in chunk { try baseline.deliverEmail(message.name) }
        try baseline.syncDeliveries()
    }
    let baselineTotal = seconds(ContinuousClock.now - baselineStart)
    let qrSeconds = seconds(clock.total.withLock { $0 })

    print(
        "invitations: \(sent) sent, \(sizes.count) emails in new/, mean \(sizes.reduce(0, +) / max(sizes.count, 1)) bytes"
    )
    print(
        String(
            format:
                "pipeline (CSV, store, QR, MIME, spool, deliver, mark): %.2f s, %.0f invitations/s (target >= 2000/s)",
            total, Double(sent) / total))
    print(
        String(
            format: "QR encode + PNG: %.2f s of CPU over %d cores (%.1f%% of the pipeline's wall time)",
            qrSeconds, ProcessInfo.processInfo.activeProcessorCount, 100 * qrSeconds / total))
    print(
        "load average: \((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?")"
    )
    print(
        String(
            format: "baseline (same-size files, same flushes): %.2f s, %.0f files/s", baselineTotal,
            Double(sizes.count) / baselineTotal))
    print(String(format: "ratio pipeline/baseline time: %.2f", total / baselineTotal))
}
