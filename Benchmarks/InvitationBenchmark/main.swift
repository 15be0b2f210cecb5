// Invitation throughput: a 10 000-row CSV (generated in a temp folder) parsed and validated (SwiftCSV), each row
// rendered as a full MIME email with its QR PNG (SpruceQR) and delivered into a Maildir outbox (spool, then
// rename into new/). The store is left out: it is measured by StoreBenchmark.
//
// Baseline in the same run: writing 10 000 files of the same sizes into a Maildir the same way (spool + rename),
// building nothing. Run: swift run -c release InvitationBenchmark [rows]
import Foundation
import SpruceCore
import SpruceQR

let rows = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000
let root = FileManager.default.temporaryDirectory.appendingPathComponent("invitation-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: root) }

var csv = "name,email,phone\n"
for i in 0..<rows { csv += "\"Patient \(i), Zoë\",patient\(i)@example.com,(217) 555-\(String(format: "%04d", i % 10_000))\n" }

func seconds(_ start: ContinuousClock.Instant) -> Double {
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

let templates = try InvitationTemplates()
let from = try MailboxAddress(parsing: "Spruce <invitations@spruce.care>")
let renderer = PNGRenderer(options: RenderOptions(scale: 6, margin: 4))
let expires = Date().addingTimeInterval(Invitation.defaultLifetime)

// Each configuration once: fsync per message (durable, the CLI default) and without (the page cache only).
for sync in [true, false] {
    let outbox = try Outbox(directory: root.appendingPathComponent("outbox-\(sync)").path, syncsToDisk: sync)
    print("== fsync per message: \(sync)")
    let start = ContinuousClock.now
    let list = try InviteeList(data: Data(csv.utf8))
    var qrSeconds = 0.0
    var sizes: [Int] = []
    sizes.reserveCapacity(rows)
    for (index, row) in list.rows.enumerated() {
        guard case .success(let recipient) = row.recipient, let email = recipient.email else { continue }
        let link = InvitationContent.link(for: InvitationToken.generate(), publicURL: "https://spruce.care")
        let qrStart = ContinuousClock.now
        let png = try renderer.render(try QRCode(text: link))
        qrSeconds += seconds(qrStart)
        let content = InvitationContent(
            practiceName: "Oak Street Pediatrics", recipientName: recipient.name, link: link, expiresAt: expires)
        let message = InvitationEmail.build(
            content: content, from: from, to: MailboxAddress(displayName: recipient.name, email: try EmailAddress(parsing: email)),
            qrPNG: png, templates: templates, uniqueID: "inv-\(index)", lineBreak: "\n")
        try outbox.deliverEmail(message.bytes, as: SpoolName(invitationID: InvitationID(rawValue: Int64(index)), channel: .email))
        sizes.append(message.bytes.count)
    }
    let total = seconds(start)

    let baseline = try Outbox(directory: root.appendingPathComponent("baseline-\(sync)").path, syncsToDisk: sync)
    let baselineStart = ContinuousClock.now
    for (index, size) in sizes.enumerated() {
        try baseline.deliverEmail([UInt8](repeating: 0x41, count: size), as: SpoolName(invitationID: InvitationID(rawValue: Int64(index)), channel: .email))
    }
    let baselineTotal = seconds(baselineStart)

    let delivered = try FileManager.default.contentsOfDirectory(atPath: outbox.directory + "/new").count
    print("invitations: \(delivered) emails, mean \(sizes.reduce(0, +) / max(sizes.count, 1)) bytes")
    print(String(format: "pipeline: %.2f s, %.0f invitations/s (target >= 1000/s)", total, Double(delivered) / total))
    print(String(format: "QR encode + PNG: %.2f s, %.1f%% of the pipeline", qrSeconds, 100 * qrSeconds / total))
    print(String(format: "baseline (same-size files, spool + rename): %.2f s, %.0f files/s", baselineTotal, Double(sizes.count) / baselineTotal))
    print(String(format: "ratio pipeline/baseline: %.2f", total / baselineTotal))

}
