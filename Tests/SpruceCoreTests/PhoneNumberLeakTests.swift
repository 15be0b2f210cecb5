import Foundation
import SpruceProcess
import Testing

/// libphonenumber is C++ behind a C shim: 100 000 parses through the shim under LeakSanitizer, a control run that
/// leaks on purpose to show the checker catches it, and the Swift wrapper (`PhoneLeakCheck`) under valgrind.
@Suite("libphonenumber shim: no leaks", .serialized)
struct PhoneNumberLeakTests {
    static let valgrind = ["/usr/bin/valgrind", "/usr/local/bin/valgrind"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    struct Run {
        let status: Int32
        let output: String
        let errors: String
    }

    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws
        -> Run
    {
        var child = ChildProcess(executable, arguments)
        child.environment = environment
        let finished = try await child.run()
        return Run(
            status: finished.status, output: String(decoding: finished.output, as: UTF8.self),
            errors: String(decoding: finished.errors, as: UTF8.self))
    }

    /// Builds `scripts/phone-leak-harness.c` with the shim's source and LeakSanitizer.
    static func buildHarness(leakOnPurpose: Bool) async throws -> URL {
        let root = FixtureFiles.packageRoot
        let binary = FileManager.default.temporaryDirectory.appendingPathComponent("phone-leak-\(UUID().uuidString)")
        let built = try await run(
            "/usr/bin/env",
            [
                "c++", "-O1", "-g", "-fsanitize=leak", "-I",
                root.appendingPathComponent("Sources/CPhoneNumber/include").path,
                "-x", "c++", root.appendingPathComponent("scripts/phone-leak-harness.c").path,
                "-x", "none", root.appendingPathComponent("Sources/CPhoneNumber/CPhoneNumber.cpp").path,
                "-lphonenumber", "-o", binary.path,
            ] + (leakOnPurpose ? ["-DLEAK_ON_PURPOSE"] : []))
        try #require(built.status == 0, "c++ failed: \(built.errors)")
        return binary
    }

    @Test("100 000 parses through the shim: LeakSanitizer finds no leak", .timeLimit(.minutes(5)))
    func noLeakUnderLeakSanitizer() async throws {
        let harness = try await Self.buildHarness(leakOnPurpose: false)
        defer { try? FileManager.default.removeItem(at: harness) }
        let result = try await Self.run(harness.path, ["100000"], environment: ["LSAN_OPTIONS": "exitcode=23"])
        #expect(result.status == 0, "\(result.errors.prefix(3000))")
        #expect(!result.errors.contains("detected memory leaks"))
        #expect(result.output.hasPrefix("parses 100000: "))
    }

    @Test("the control: a harness that loses one block per parse is caught", .timeLimit(.minutes(5)))
    func leakIsCaught() async throws {
        let harness = try await Self.buildHarness(leakOnPurpose: true)
        defer { try? FileManager.default.removeItem(at: harness) }
        let result = try await Self.run(harness.path, ["1000"], environment: ["LSAN_OPTIONS": "exitcode=23"])
        #expect(result.status == 23)
        #expect(result.errors.contains("detected memory leaks"))
    }

    /// `PhoneLeakCheck`, built next to the test bundle.
    static func swiftHarness() throws -> String {
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

    @Test("the Swift wrapper under valgrind: nothing definitely or indirectly lost", .timeLimit(.minutes(10)))
    func swiftWrapperUnderValgrind() async throws {
        let valgrind = try #require(Self.valgrind, "valgrind is not installed (make deps installs it)")
        // valgrind cannot read the DWARF 5 of Swift's debug builds ("Possibly corrupted debuginfo file"): strip it.
        let stripped = FileManager.default.temporaryDirectory.appendingPathComponent(
            "PhoneLeakCheck-\(UUID().uuidString)")
        let strip = try await Self.run(
            "/usr/bin/env", ["strip", "--strip-debug", "-o", stripped.path, try Self.swiftHarness()])
        try #require(strip.status == 0, "strip failed: \(strip.errors)")
        defer { try? FileManager.default.removeItem(at: stripped) }
        // valgrind runs about 50 times slower; libphonenumber's metadata load alone takes seconds, so fewer parses.
        let result = try await Self.run(
            valgrind,
            [
                "--leak-check=full", "--errors-for-leak-kinds=definite,indirect", "--error-exitcode=97",
                stripped.path, "2000",
            ])
        #expect(result.status == 0, "valgrind reported:\n\(result.errors.suffix(3000))")
        #expect(result.output.hasPrefix("parses 2000: "), "\(result.output)")
        for kind in ["definitely lost", "indirectly lost"] {
            let line = result.errors.split(separator: "\n").first { $0.contains(kind + ":") }
            #expect(line == nil || line?.contains(kind + ": 0 bytes") == true, "\(line ?? "")")
        }
    }
}
