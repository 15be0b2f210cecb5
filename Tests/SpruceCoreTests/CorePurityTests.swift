import Foundation
import Testing

/// SpruceCore is values and pure decisions: no files, processes or system calls (docs/ARCHITECTURE.md). I/O lives
/// in SpruceDelivery and SpruceStore. This reads the core's sources and fails on any name that means I/O.
@Suite("SpruceCore does no I/O")
struct CorePurityTests {
    static let forbidden = ["FileManager", "Process", "fopen", "open(", "fsync", "dlsym", "Bundle.module"]

    /// Every `.swift` file under `Sources/SpruceCore`, with its text.
    static func coreSources() throws -> [(path: String, text: String)] {
        let root = FixtureFiles.packageRoot.appendingPathComponent("Sources/SpruceCore")
        guard let walker = FileManager.default.enumerator(atPath: root.path) else { return [] }
        var files: [(path: String, text: String)] = []
        for case let relative as String in walker where relative.hasSuffix(".swift") {
            let url = root.appendingPathComponent(relative)
            files.append(("Sources/SpruceCore/" + relative, try String(contentsOf: url, encoding: .utf8)))
        }
        return files
    }

    /// The `file:line: word` of each forbidden word in `text`.
    static func hits(in text: String, path: String) -> [String] {
        var found: [String] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            for word in forbidden where line.contains(word) { found.append("\(path):\(number + 1): \(word)") }
        }
        return found
    }

    @Test("no source file of SpruceCore names a file, process or system-call API")
    func coreIsPure() throws {
        let files = try Self.coreSources()
        #expect(files.count > 30, "expected the core's sources under \(FixtureFiles.packageRoot.path)")
        let hits = files.flatMap { Self.hits(in: $0.text, path: $0.path) }
        let listing = hits.joined(separator: "\n")
        #expect(hits.isEmpty, "I/O in SpruceCore (move it to SpruceDelivery or SpruceStore):\n\(listing)")
    }

    @Test("the scan finds each forbidden word", arguments: forbidden)
    func scanFinds(word: String) {
        #expect(Self.hits(in: "let a = 1\nlet b = \(word)x", path: "F.swift") == ["F.swift:2: \(word)"])
    }
}
