import Foundation
import SpruceProcess
import Testing

/// Runs the built `sprucelink` binary and the decoders for the `qr` command tests.
enum QRCLI {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: String
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        /// stderr lines without the D-Bus noise of some tools (none expected from sprucelink).
        var stderrLines: [Substring] { stderr.split(separator: "\n") }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `SPRUCELINK_BIN`, else `sprucelink` next to the test bundle, else `.build/debug/sprucelink`.
    static func binary() throws -> String {
        if let path = ProcessInfo.processInfo.environment["SPRUCELINK_BIN"] { return path }
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            var url = URL(fileURLWithPath: first).deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(url.appendingPathComponent("sprucelink"))
                url = url.deletingLastPathComponent()
            }
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("sprucelink"))
        candidates.append(packageRoot.appendingPathComponent(".build/debug/sprucelink"))
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0.path) }) else {
            throw CLIError(
                description: "sprucelink binary not found (tried \(candidates.map(\.path))); set SPRUCELINK_BIN")
        }
        return found.path
    }

    struct CLIError: Error, CustomStringConvertible { var description: String }

    static func sprucelink(
        _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        try await run(try binary(), arguments, in: directory, environment: environment)
    }

    /// Runs `executable`; `environment` is added to this process's environment.
    static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:]
    ) async throws -> Result {
        var child = ChildProcess(executable, arguments)
        child.directory = directory?.path
        child.environment = environment
        let finished = try await child.run()
        return Result(
            status: finished.status, stdout: Data(finished.output),
            stderr: String(decoding: finished.errors, as: UTF8.self))
    }

    /// zbarimg (one process per file, `-Sbinary` gives exact bytes) and zxing-cpp (one process for all files).
    static func decode(_ paths: [String]) async throws -> [(zbar: String?, zxing: String?)] {
        let script = packageRoot.appendingPathComponent("scripts/decode_qr.py").path
        let zxing = try await run("/usr/bin/env", ["python3", script] + paths)
        let entries = (try? JSONSerialization.jsonObject(with: zxing.stdout) as? [[String: Any]]) ?? []
        #expect(entries.count == paths.count, "decode_qr.py: \(zxing.stderr)")
        var decoded: [(zbar: String?, zxing: String?)] = []
        for (index, path) in paths.enumerated() {
            let zbar = try await run("/usr/bin/env", ["zbarimg", "--raw", "-q", "-Sbinary", path])
            #expect(zbar.status != 127, "zbarimg is missing: run `make deps`")
            var data = zbar.stdout
            if data.last == UInt8(ascii: "\n") { data.removeLast() }
            let zbarText = zbar.status == 0 ? String(decoding: data, as: UTF8.self) : nil
            var zxingText: String?
            if index < entries.count, entries[index]["ok"] as? Bool == true, let hex = entries[index]["hex"] as? String
            {
                let digits = Array(hex.utf8)
                let bytes = stride(from: 0, to: digits.count - 1, by: 2).compactMap {
                    UInt8(String(decoding: digits[$0...$0 + 1], as: UTF8.self), radix: 16)
                }
                zxingText = String(decoding: bytes, as: UTF8.self)
            }
            decoded.append((zbarText, zxingText))
        }
        return decoded
    }

    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("qrcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }

    static func files(in directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }
}
