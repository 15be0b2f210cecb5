import Foundation
import SprucePrint
import SpruceProcess
import Testing

/// Runs poppler-utils and the QR decoders on rendered PDFs. Tools run through `/usr/bin/env`, so a missing one
/// fails the test (status 127), never skips it.
enum PrintTools {
    struct Result {
        var status: Int32
        var stdout: Data
        var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs a tool; stderr goes to a file that is dropped (zbar prints D-Bus noise on these machines).
    static func run(_ arguments: [String]) async throws -> Result {
        var child = ChildProcess("/usr/bin/env", arguments)
        child.errors = .discard
        let finished = try await child.run()
        #expect(finished.status != 127, "\(arguments[0]) is missing: run `make deps`")
        return Result(status: finished.status, stdout: Data(finished.output))
    }

    /// A fresh directory under the system's temporary directory.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("spruceprint-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// `pdfinfo`'s fields.
    static func info(_ pdf: String) async throws -> [String: String] {
        let result = try await run(["pdfinfo", pdf])
        #expect(result.status == 0, "pdfinfo failed on \(pdf)")
        var fields: [String: String] = [:]
        for line in result.stdoutText.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return fields
    }

    /// The page size `pdfinfo` reports, in points.
    static func pageSize(_ pdf: String) async throws -> (width: Double, height: Double)? {
        guard let text = try await info(pdf)["Page size"] else { return nil }
        let parts = text.split(separator: " ")
        guard parts.count >= 3, let width = Double(parts[0]), let height = Double(parts[2]) else { return nil }
        return (width, height)
    }

    /// Every font `pdffonts` lists, with whether it is embedded.
    static func fonts(_ pdf: String) async throws -> [(name: String, embedded: Bool)] {
        let result = try await run(["pdffonts", pdf])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n").dropFirst(2)
        return lines.map { line in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // name type [encoding words…] emb sub uni object ID: emb is the fifth column from the end.
            let embedded = columns.count >= 5 && columns[columns.count - 5] == "yes"
            return (String(columns.first ?? ""), embedded)
        }
    }

    /// How many images `pdfimages -list` lists.
    static func imageCount(_ pdf: String) async throws -> Int {
        let result = try await run(["pdfimages", "-list", pdf])
        #expect(result.status == 0)
        return result.stdoutText.split(separator: "\n").dropFirst(2).count
    }

    /// The text `pdftotext` extracts (UTF-8).
    static func text(_ pdf: String) async throws -> String {
        let result = try await run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
        #expect(result.status == 0)
        return result.stdoutText
    }

    /// Every word's box (points, origin top left) from `pdftotext -bbox`.
    static func wordBoxes(_ pdf: String) async throws -> [(
        word: String, xMin: Double, yMin: Double, xMax: Double, yMax: Double
    )] {
        let result = try await run(["pdftotext", "-bbox", pdf, "-"])
        #expect(result.status == 0)
        var boxes: [(String, Double, Double, Double, Double)] = []
        for line in result.stdoutText.split(separator: "\n") where line.contains("<word ") {
            func value(_ name: String) -> Double {
                guard let range = line.range(of: "\(name)=\"") else { return .nan }
                let rest = line[range.upperBound...]
                return Double(rest.prefix { $0 != "\"" }) ?? .nan
            }
            let word = line.split(separator: ">").dropFirst().first?.split(separator: "<").first.map(String.init) ?? ""
            boxes.append((word, value("xMin"), value("yMin"), value("xMax"), value("yMax")))
        }
        return boxes
    }

    /// Rasterizes every page with `pdftoppm -png -r dpi`; the PNG paths in page order.
    static func rasterize(_ pdf: String, dpi: Int, into directory: URL) async throws -> [String] {
        let prefix = directory.appendingPathComponent("page-\(dpi)").path
        let result = try await run(["pdftoppm", "-r", "\(dpi)", "-png", pdf, prefix])
        #expect(result.status == 0, "pdftoppm failed on \(pdf)")
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasPrefix("page-\(dpi)-") && $0.hasSuffix(".png") }.sorted()
        return names.map { directory.appendingPathComponent($0).path }
    }

    /// Every code zbar finds in an image (`zbarimg --raw`: one text per line; print URLs are ASCII).
    static func zbar(_ png: String) async throws -> [String] {
        let result = try await run(["zbarimg", "--raw", "-q", png])
        guard result.status == 0 else { return [] }
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    /// Every code zbar finds on a rasterized sheet: on the whole page, or for cards on each card cut out along
    /// the crop marks (scripts/cut_cards.py), as people scan them.
    static func zbar(sheet png: String, layout: PrintLayout, paper: Paper, dpi: Int) async throws -> [String] {
        guard layout == .cards else { return try await zbar(png) }
        let script = packageRoot.appendingPathComponent("scripts/cut_cards.py").path
        let millimetres = (paper.size.width * 25.4 / 72, paper.size.height * 25.4 / 72)
        let cut = try await run([
            "python3", script, png, "\(dpi)", "\(millimetres.0)", "\(millimetres.1)",
            String(png.dropLast(".png".count)) + "-card",
        ])
        #expect(cut.status == 0)
        var found: [String] = []
        for card in cut.stdoutText.split(separator: "\n") { found += try await zbar(String(card)) }
        return found
    }

    /// Every code zxing-cpp finds in each image (scripts/decode_all_qr.py, one process for all).
    static func zxing(_ pngs: [String]) async throws -> [[String]] {
        let script = packageRoot.appendingPathComponent("scripts/decode_all_qr.py").path
        let result = try await run(["python3", script] + pngs)
        guard result.status == 0,
            let entries = try JSONSerialization.jsonObject(with: result.stdout) as? [[String: Any]]
        else {
            Issue.record("decode_all_qr.py failed (\(result.status))")
            return pngs.map { _ in [] }
        }
        return entries.map { entry in
            if let error = entry["error"] as? String { Issue.record("zxing-cpp: \(error)") }
            return entry["texts"] as? [String] ?? []
        }
    }
}
