// Print documents per second per core, release build, rendered to memory: each layout on Letter for a set of
// links, with a practice name in each of four scripts, timed in process CPU time (so other work on the machine counts less), with
// the baseline measured in the same run: SpruceQR's encode + SVG of the same URLs (the cheapest vector output of
// the same code). Then `sprucelink flyer --org ID --all-links` as the CLI runs it for an organization with 1 000
// links: the store's link list (a real SQLite file), the contents, one PDF of 1 000 sheets, in memory.
// Targets: a poster in ≤ 20 ms, a card sheet in ≤ 50 ms of one core.
// Run: swift run -c release PrintBenchmark [documents per layout]
import Foundation
import SpruceCore
import SprucePrint
import SpruceQR
import SpruceStore

let perLayout = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 40
let urls = (0..<perLayout).map { "https://spruce.care/\(48_271_630 + $0 * 7_919)" }

func cpuSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// CPU seconds per call of `body`, over `count` calls.
func measure(_ count: Int, _ body: (Int) throws -> Int) rethrows -> (perCall: Double, bytes: Int) {
    let start = cpuSeconds()
    var bytes = 0
    for index in 0..<count { bytes += try body(index) }
    return ((cpuSeconds() - start) / Double(count), bytes / max(count, 1))
}

func milliseconds(_ seconds: Double) -> String { String(format: "%.2f ms", seconds * 1000) }

// Fonts, fontconfig and cairo's caches load on the first document: timed apart, then left warm.
let coldStart = cpuSeconds()
_ = try PrintDocument(layout: .poster, paper: .letter).render(
    try PrintContent(practiceName: "北京协和诊所 عيادة النور Ορθοπεδική", url: urls[0]))
print("first document (fontconfig and font loading): \(milliseconds(cpuSeconds() - coldStart)) CPU")

let baseline = try measure(perLayout) { index in
    try SVGRenderer().render(try QRCode(text: urls[index])).utf8.count
}
print("baseline: QR encode + SVG of the same URLs: \(String(format: "%.1f µs", baseline.perCall * 1e6)) per code")
print("")
print("CPU per PDF, Letter, \(perLayout) documents per cell (different codes), by the script of the practice's name;")
print("PDFs/s/core and × baseline for the Latin name; target on one core")
let scripts = ["Latin", "Greek", "CJK", "Arabic"]
let scriptNames = ["Oak Street Pediatrics", "Ορθοπεδική Κλινική", "北京协和诊所", "عيادة النور"]
print(
    "layout   " + scripts.map { $0.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined()
        + "PDFs/s/core  × baseline  size     target")
let targets: [PrintLayout: Double] = [.poster: 0.020, .cards: 0.050]
for layout in PrintLayout.allCases {
    let document = PrintDocument(layout: layout, paper: .letter)
    var row = layout.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)
    var latin = (perCall: 0.0, bytes: 0)
    var verdicts: [String] = []
    for (script, name) in zip(scripts, scriptNames) {
        let sheets = try urls.map { try PrintContent(practiceName: name, url: $0) }
        let result = try measure(perLayout) { index in try document.render(sheets[index]).count }
        if script == "Latin" { latin = result }
        row += milliseconds(result.perCall).padding(toLength: 11, withPad: " ", startingAt: 0)
        if let target = targets[layout] { verdicts.append("\(script) \(result.perCall <= target ? "met" : "MISSED")") }
    }
    row += String(format: "%-13.0f%-12.0f", 1 / latin.perCall, latin.perCall / baseline.perCall)
    row += "\(latin.bytes / 1024) KiB".padding(toLength: 9, withPad: " ", startingAt: 0)
    if let target = targets[layout] { row += "≤ \(milliseconds(target)): " + verdicts.joined(separator: ", ") }
    print(row)
}

// --all-links: an organization with 1 000 links in a real SQLite file.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("print-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let store = try await SpruceStore.open(
    .sqlite(path: folder.appendingPathComponent("store.sqlite").path), settings: StoreSettings(signingKey: .random()))
let (organization, _) = try await store.createOrganization(ClinicProfile(displayName: "Élan Pédiatrie"))
_ = try await store.mintLinks(
    MintRequest(organizationID: organization.id, kind: .numeric(length: 8), label: "", tags: []), count: 999)
print("")
print("--all-links, 1 000 links (store read + contents + one PDF in memory)")
for layout in [PrintLayout.poster, .cards] {
    let start = cpuSeconds()
    let wall = ContinuousClock.now
    let links = try await store.links(of: organization.id).filter { $0.status == .active }
    let document = PrintDocument(layout: layout, paper: .letter)
    let sheets = try links.map { link throws(PrintError) in
        let content = try PrintContent(link: link, profile: organization.profile, origin: "https://spruce.care")
        try document.check(content)
        return content
    }
    let pdf = try document.render(sheets)
    let cpu = cpuSeconds() - start
    let elapsed = ContinuousClock.now - wall
    let perSheet = milliseconds(cpu / Double(links.count))
    let rate = String(format: "%.0f", Double(links.count) / cpu)
    print(
        "  \(layout.rawValue): \(links.count) sheets, \(pdf.count / 1024) KiB, \(String(format: "%.2f", cpu)) s CPU "
            + "(\(perSheet) per sheet, \(rate) sheets/s/core), wall \(elapsed)")
}
await store.close()
