// Throughput of ScannedLink.parse over the scanned-text corpus, against Foundation's URLComponents as a baseline.
//
//     swift run -c release ParserBenchmark
//
// Each measurement repeats passes over the corpus for about two seconds and reports inputs per second.
import Foundation
import SpruceCore

struct Corpus: Decodable {
    struct Case: Decodable {
        let input: String
        let `repeat`: Int?
    }
    let cases: [Case]
}

func loadInputs() throws -> [String] {
    var directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    while directory.path != "/",
        !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Package.swift").path)
    {
        directory.deleteLastPathComponent()
    }
    let url = directory.appendingPathComponent("Fixtures/scanned-links.json")
    let corpus = try JSONDecoder().decode(Corpus.self, from: Data(contentsOf: url))
    return corpus.cases.map { String(repeating: $0.input, count: $0.repeat ?? 1) }
}

/// Runs `pass` over the inputs until `duration` has elapsed; returns inputs per second and a checksum.
func measure(_ name: String, _ inputs: [String], duration: Duration = .seconds(2), pass: (String) -> Int) -> Double {
    let clock = ContinuousClock()
    var checksum = 0
    for input in inputs { checksum &+= pass(input) }  // warm-up
    var count = 0
    let start = clock.now
    var elapsed = Duration.zero
    while elapsed < duration {
        for _ in 0..<50 {
            for input in inputs { checksum &+= pass(input) }
        }
        count += 50 * inputs.count
        elapsed = clock.now - start
    }
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let rate = Double(count) / seconds
    print(
        "\(name.padding(toLength: 28, withPad: " ", startingAt: 0)) \(String(format: "%12.0f", rate)) inputs/s  "
            + "(\(count) inputs in \(String(format: "%.2f", seconds)) s, checksum \(checksum))"
    )
    return rate
}

do {
    let inputs = try loadInputs()
    let bytes = inputs.reduce(0) { $0 + $1.utf8.count }
    print("corpus: \(inputs.count) inputs, \(bytes) bytes")
    let parse = measure("ScannedLink.parse", inputs) { input in
        switch Result(catching: { () throws(ScanError) in try ScannedLink.parse(input) }) {
        case .success(let scanned): scanned.attribution.query == nil ? 1 : 2
        case .failure: 3
        }
    }
    let baseline = measure("URLComponents(string:)", inputs) { input in
        URLComponents(string: input)?.host?.utf8.count ?? 0
    }
    let trivial = measure("utf8.count (floor)", inputs) { $0.utf8.count }
    print(String(format: "ratio parse / URLComponents: %.2fx", parse / baseline))
    print(String(format: "ratio parse / utf8.count:    %.3fx", parse / trivial))
} catch {
    print("cannot load Fixtures/scanned-links.json: \(error)")
    exit(1)
}
