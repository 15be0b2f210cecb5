import Foundation
import SpruceProcess
import Testing

@testable import SpruceQR

/// Runs external tools through `/usr/bin/env`, so a missing tool fails the test (status 127), never skips it.
enum Tools {
    struct Result {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    static func run(_ arguments: [String], executable: String = "/usr/bin/env") async throws -> Result {
        let finished = try await ChildProcess(executable, arguments).run()
        return Result(status: finished.status, stdout: Data(finished.output), stderr: Data(finished.errors))
    }

    /// The package root (two levels above this file's directory).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Decodes one image with `zbarimg --raw -q -Sbinary`; `nil` when zbar found nothing.
    /// zbar prints `-Sbinary` results of several files with no separator, so each file gets its own process
    /// (about 10 ms each); stderr is ignored (D-Bus noise on these machines).
    static func zbar(_ path: String) async throws -> String? {
        let result = try await run(["zbarimg", "--raw", "-q", "-Sbinary", path])
        #expect(result.status != 127, "zbarimg is missing: run `make deps`")
        guard result.status == 0 else { return nil }
        var data = result.stdout
        if data.last == UInt8(ascii: "\n") { data.removeLast() }
        return String(decoding: data, as: UTF8.self)
    }

    /// Decodes many images with zxing-cpp in one process (scripts/decode_qr.py); `nil` entries found nothing.
    static func zxing(_ paths: [String]) async throws -> [String?] {
        guard !paths.isEmpty else { return [] }
        let script = packageRoot.appendingPathComponent("scripts/decode_qr.py").path
        let result = try await run(["python3", script] + paths)
        guard result.status == 0 || result.status == 1,
            let entries = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]]
        else {
            Issue.record("decode_qr.py failed (\(result.status)): \(result.stderrText)")
            return paths.map { _ in nil }
        }
        return entries.map { entry in
            guard entry["ok"] as? Bool == true, let hex = entry["hex"] as? String else { return nil }
            return String(decoding: bytes(fromHex: hex), as: UTF8.self)
        }
    }

    static func bytes(fromHex hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count - 1, by: 2).compactMap { index in
            UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16)
        }
    }

    /// Rasterizes an SVG with rsvg-convert.
    static func rasterize(svg: String, to png: String) async throws {
        let result = try await run(["rsvg-convert", "-o", png, svg])
        #expect(result.status == 0, "rsvg-convert failed: \(result.stderrText)")
    }

    /// The matrix `qrencode -t ASCII` prints (`##` = dark), one row per line, quiet zone included.
    static func qrencodeMatrix(_ text: String, arguments: [String]) async throws -> [[Bool]] {
        let result = try await run(["qrencode", "-t", "ASCII"] + arguments + ["--", text])
        #expect(result.status == 0, "qrencode failed: \(result.stderrText)")
        return result.stdoutText.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { line in
            let characters = Array(line)
            return stride(from: 0, to: characters.count, by: 2).map { characters[$0] == "#" }
        }
    }

    /// A fresh temporary directory, removed after `body`.
    static func withTemporaryDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spruceqr-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try await body(url)
    }
}

extension QRCode {
    /// The matrix with a quiet zone of `margin` modules, as rows.
    func paddedRows(margin: Int) -> [[Bool]] {
        let side = width + 2 * margin
        return (0..<side).map { y in (0..<side).map { x in self[x - margin, y - margin] } }
    }
}

/// Turns terminal output back into a module matrix (dark = true), undoing ANSI colors and inversion.
enum TerminalParser {
    static func matrix(_ text: String, style: TerminalRenderer.Style, inverted: Bool, side: Int) -> [[Bool]] {
        let plain = text.replacing(/\x{1B}\[[0-9;]*m/, with: "")
        let lines = plain.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { Array($0) }
        var rows: [[Bool]] = []
        switch style {
        case .halfBlocks:
            for line in lines {
                rows.append(line.map { $0 == "█" || $0 == "▀" })
                rows.append(line.map { $0 == "█" || $0 == "▄" })
            }
        case .fullBlocks, .ascii:
            for line in lines {
                rows.append(stride(from: 0, to: line.count, by: 2).map { line[$0] != " " })
            }
        }
        if inverted { rows = rows.map { $0.map { !$0 } } }
        // Half blocks with an odd side end with a half line whose lower half is quiet zone.
        return Array(rows.prefix(side))
    }
}
