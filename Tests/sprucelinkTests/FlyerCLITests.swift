import Foundation
import Testing

/// `sprucelink flyer` run as a process on a seeded database: documents that scan, and every bad input refused
/// with one stderr line, the right exit status and no file left behind.
@Suite("sprucelink flyer")
struct FlyerCLITests {
    /// The files a run may leave besides its output: the database and its journal.
    static func outputs(in folder: URL) throws -> [String] {
        try QRCLI.files(in: folder).filter { !$0.hasPrefix("test.sqlite") }
    }

    /// Every QR code zxing-cpp finds on each page, rasterized at 150 DPI.
    static func codes(in pdf: URL, folder: URL) async throws -> [[String]] {
        let prefix = folder.appendingPathComponent("page").path
        let raster = try await QRCLI.run("/usr/bin/env", ["pdftoppm", "-r", "150", "-png", pdf.path, prefix])
        #expect(raster.status == 0)
        let pages = try QRCLI.files(in: folder).filter { $0.hasPrefix("page") }.map {
            folder.appendingPathComponent($0).path
        }
        let script = QRCLI.packageRoot.appendingPathComponent("scripts/decode_all_qr.py").path
        let decoded = try await QRCLI.run("/usr/bin/env", ["python3", script] + pages)
        let entries = try JSONSerialization.jsonObject(with: decoded.stdout) as? [[String: Any]] ?? []
        return entries.map { $0["texts"] as? [String] ?? [] }
    }

    @Test("a card sheet on A4: ten codes of the link, the page size exact")
    func cards() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let result = try await seeded.run([
                "flyer", "4827163", "--layout", "cards", "--paper", "a4", "--headline", "Écrivez-nous", "--output",
                "cards.pdf",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdoutText == "Wrote cards.pdf: cards, a4, 1 sheet\n")
            let pdf = seeded.folder.appendingPathComponent("cards.pdf")
            let info = try await QRCLI.run("/usr/bin/env", ["pdfinfo", pdf.path]).stdoutText
            #expect(info.contains("595.276 x 841.89 pts (A4)"))
            await #expect(
                try Self.codes(in: pdf, folder: seeded.folder) == [
                    // The printed URL is plain; the codes carry the scan marker.
                    Array(repeating: "HTTPS://SPRUCE.CARE/4827163?qr", count: 10)
                ])
            let text = try await QRCLI.run("/usr/bin/env", ["pdftotext", pdf.path, "-"]).stdoutText
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
            #expect(text.contains("Oak Street Pediatrics"))
            #expect(text.contains("Écrivez-nous"))
        }
    }

    @Test("--org --all-links: one sheet per active link, the disabled one left out; --public-url is encoded")
    func allLinks() async throws {
        try await LinkCLITests.withSeeded { seeded in
            let result = try await seeded.run([
                "flyer", "--org", "1", "--all-links", "--layout", "poster", "--output", "all.pdf", "--public-url",
                "http://127.0.0.1:8080/",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdoutText == "Wrote all.pdf: poster, letter, 3 sheets\n")
            let pdf = seeded.folder.appendingPathComponent("all.pdf")
            let codes = try await Self.codes(in: pdf, folder: seeded.folder)
            #expect(
                codes == [
                    ["HTTP://127.0.0.1:8080/4827163?qr"], ["HTTP://127.0.0.1:8080/OAK-STREET-PEDIATRICS?qr"],
                    ["HTTP://127.0.0.1:8080/5093318?qr"],
                ])
        }
    }

    static let headlineTooLong = String(repeating: "x", count: 61)

    @Test(
        "bad input: one line on stderr, the exit status, no file",
        arguments: [
            (["9999999"], 3, "Error: no link has the code '9999999'"),
            (["7718204"], 4, "Error: link '7718204' is disabled: disabled links are not printed"),
            (["ab"], 64, "Error: code 'ab': vanity code is shorter than 3 characters"),
            (
                ["4827163", "--layout", "banner"], 64,
                "Error: --layout 'banner' is not one of: poster, flyer, tent, cards"
            ),
            (["4827163", "--paper", "legal"], 64, "Error: --paper 'legal' is not one of: letter, a4"),
            (
                ["4827163", "--headline", headlineTooLong], 64,
                "Error: --headline is 61 characters, longer than the limit of 60"
            ),
            (
                ["4827163", "--headline", "Call\u{7}us"], 64,
                "Error: --headline contains a control character (U+0007): use plain text on one line"
            ),
            (
                ["4827163", "--headline", "Line\nbreak"], 64,
                "Error: --headline contains a control character (U+000A): use plain text on one line"
            ),
            (
                ["4827163", "--language", "english"], 64,
                "Error: --language 'english' is not a language tag such as en or fr-CA"
            ),
            (
                ["4827163", "--public-url", "ftp://spruce.care"], 64,
                "Error: --public-url 'ftp://spruce.care': link URL must start with https:// or http://"
            ),
            (
                ["4827163", "--org", "1", "--all-links"], 64,
                "Error: give a link code or --org ID --all-links, not both"
            ),
            (["--all-links"], 64, "Error: --all-links needs --org ID"),
            (["--org", "1"], 64, "Error: --org needs --all-links (or give a link code instead)"),
            (["--org", "x1", "--all-links"], 64, "Error: --org 'x1' is not an organization id"),
            (["--org", "99", "--all-links"], 3, "Error: --org 99: no organization has this id"),
            ([], 64, "Error: missing link code: give a code, or --org ID --all-links"),
        ] as [([String], Int32, String)])
    func badInput(_ arguments: [String], _ status: Int32, _ message: String) async throws {
        try await LinkCLITests.withSeeded { seeded in
            let result = try await seeded.run(["flyer"] + arguments + ["--output", "out.pdf"])
            #expect(result.status == status)
            #expect(result.stderrLines == [Substring(message)])
            #expect(result.stdoutText.isEmpty)
            #expect(try Self.outputs(in: seeded.folder).isEmpty)
        }
    }

    @Test(
        "bad --output: missing, not .pdf, or unwritable; nothing written",
        arguments: [
            ([], 64, "Error: --output is required: give the PDF file to write"),
            (["--output", "poster.png"], 64, "Error: --output 'poster.png' must end in .pdf"),
            (
                ["--output", "missing/dir/poster.pdf"], 1,
                "Error: cannot write missing/dir/poster.pdf: No such file or directory"
            ),
        ] as [([String], Int32, String)])
    func badOutput(_ arguments: [String], _ status: Int32, _ message: String) async throws {
        try await LinkCLITests.withSeeded { seeded in
            let result = try await seeded.run(["flyer", "4827163"] + arguments)
            #expect(result.status == status)
            #expect(result.stderrLines == [Substring(message)])
            #expect(try Self.outputs(in: seeded.folder).isEmpty)
        }
    }
}
