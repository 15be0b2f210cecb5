import Foundation
import Testing

/// libphonenumber is C++ behind a C shim: run 100 000 parses (through the Swift wrapper) under valgrind's leak
/// checker and require no definitely or indirectly lost block.
@Suite("libphonenumber shim under valgrind")
struct PhoneNumberLeakTests {
    static let valgrind = ["/usr/bin/valgrind", "/usr/local/bin/valgrind"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `PhoneLeakCheck`, built next to the test bundle.
    static func harness() throws -> String {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            var url = URL(fileURLWithPath: first).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(url.appendingPathComponent("PhoneLeakCheck"))
                url = url.deletingLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("PhoneLeakCheck"))
        candidates.append(FixtureFiles.packageRoot.appendingPathComponent(".build/debug/PhoneLeakCheck"))
        let found = try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) },
            "PhoneLeakCheck not built (swift build --build-tests builds it)")
        return found.path
    }

    /// A copy of the harness without debug information: valgrind cannot read the DWARF 5 that Swift's debug
    /// builds carry ("Possibly corrupted debuginfo file ... Giving up").
    static func strippedHarness() throws -> URL {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("PhoneLeakCheck-\(UUID().uuidString)")
        let strip = Process()
        strip.executableURL = URL(fileURLWithPath: "/usr/bin/strip")
        strip.arguments = ["--strip-debug", "-o", copy.path, try harness()]
        try strip.run()
        strip.waitUntilExit()
        try #require(strip.terminationStatus == 0, "strip --strip-debug failed")
        return copy
    }

    @Test("100 000 parses leak nothing", .timeLimit(.minutes(10)))
    func noLeak() throws {
        let valgrind = try #require(Self.valgrind, "valgrind is not installed (make deps installs it)")
        let harness = try Self.strippedHarness()
        defer { try? FileManager.default.removeItem(at: harness) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = [
            "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=97",
            harness.path, "100000",
        ]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let report = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let printed = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "valgrind reported:\n\(report)")
        #expect(printed.hasPrefix("parses 100000: "), "\(printed)")
        // valgrind's summary: nothing definitely or indirectly lost (it leaves the line out when nothing leaked).
        for kind in ["definitely lost", "indirectly lost"] {
            let line = report.split(separator: "\n").first { $0.contains(kind + ":") }
            #expect(line == nil || line?.contains(kind + ": 0 bytes") == true, "\(line ?? "")")
        }
        #expect(report.contains("ERROR SUMMARY: 0 errors"), "\(report.suffix(2000))")
    }
}
