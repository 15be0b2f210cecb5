// Print documents per second per core, release build, rendered to memory: each layout on Letter for a set of
// links and names in four scripts, timed in process CPU time (so other work on the machine counts less), with
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

let perLayout = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 100
let names = ["Élan Pédiatrie", "Ορθοπεδική Κλινική", "北京协和诊所", "عيادة النور", "Oak Street Pediatrics"]
let urls = (0..<perLayout).map { "https://spruce.care/\(48_271_630 + $0 * 7_919)" }
let contents = try urls.enumerated().map { index, url in
    try PrintContent(practiceName: names[index % names.count], url: url)
}

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
_ = try PrintDocument(layout: .poster, paper: .letter).render(contents[0])
print("first document (fontconfig and font loading): \(milliseconds(cpuSeconds() - coldStart)) CPU")

let baseline = try measure(perLayout) { index in
    try SVGRenderer().render(try QRCode(text: urls[index])).utf8.count
}
print("baseline: QR encode + SVG of the same URLs: \(String(format: "%.1f µs", baseline.perCall * 1e6)) per code")
print("")
print("layout (Letter, \(perLayout) docs)   CPU per PDF   PDFs/s/core   × baseline   size     target")
let targets: [PrintLayout: Double] = [.poster: 0.020, .cards: 0.050]
for layout in PrintLayout.allCases {
    let document = PrintDocument(layout: layout, paper: .letter)
    let result = try measure(perLayout) { index in try document.render(contents[index]).count }
    let verdict = targets[layout].map { result.perCall <= $0 ? "≤ \(milliseconds($0)): met" : "≤ \(milliseconds($0)): MISSED" } ?? ""
    print(
        layout.rawValue.padding(toLength: 30, withPad: " ", startingAt: 0)
            + milliseconds(result.perCall).padding(toLength: 14, withPad: " ", startingAt: 0)
            + String(format: "%-14.0f%-13.0f", 1 / result.perCall, result.perCall / baseline.perCall)
            + "\(result.bytes / 1024) KiB".padding(toLength: 9, withPad: " ", startingAt: 0) + verdict)
}

// --all-links: an organization with 1 000 links in a real SQLite file.
let folder = FileManager.default.temporaryDirectory.appendingPathComponent("print-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: folder) }
let store = try await SpruceStore.open(.sqlite(path: folder.appendingPathComponent("store.sqlite").path))
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
    print(
        "  \(layout.rawValue): \(links.count) sheets, \(pdf.count / 1024) KiB, \(String(format: "%.2f", cpu)) s CPU "
            + "(\(milliseconds(cpu / Double(links.count))) per sheet, \(String(format: "%.0f", Double(links.count) / cpu)) sheets/s/core), "
            + "wall \(elapsed)")
}
await store.close()
