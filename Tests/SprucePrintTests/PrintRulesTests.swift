import Foundation
import SpruceCore
import SpruceQR
import Testing

@testable import SprucePrint

@Suite("Print: rules and bad input")
struct PrintRulesTests {
    static let url = "https://spruce.care/48271630"

    @Test("every layout's code square is at least a tenth of its scanning distance and holds a quiet zone")
    func codeSizes() throws {
        let expected: [PrintLayout: Double] = [.poster: 200, .flyer: 100, .tent: 100, .cards: 30]
        for layout in PrintLayout.allCases {
            #expect(PrintRules.minimumCodeWidth(for: layout) == expected[layout])
            #expect(layout.codeSide >= PrintRules.minimumCodeWidth(for: layout))
            let code = try QRCode(text: Self.url)
            let module = try PrintRules.moduleSize(of: code, in: layout)
            #expect(module >= PrintRules.minimumModuleSize)
            #expect(abs(module * Double(code.width + 8) - layout.codeSide) < 1e-9)
        }
        #expect(PrintRules.quietZoneModules == 4)
    }

    @Test("a code too dense for cards is refused with the layout, the module size needed and the size got")
    func densityRefusal() throws {
        let content = try PrintContent(practiceName: "Oak Street Pediatrics", url: Self.url)
        let dense = PrintDocument(
            layout: .cards, paper: .letter, encoding: QRCode.Options(level: .high, minimumVersion: 30))
        let error = try #require(throws: PrintError.self) { try dense.render(content) }
        // Version 30 is 137 modules, 145 with the quiet zone, in 40 mm: 0.276 mm each.
        #expect(error == .codeTooDense(layout: .cards, neededModule: 0.5, gotModule: 40.0 / 145, modules: 145))
        #expect(error.description.hasPrefix("cards: the code is too dense to scan"))
        #expect(error.description.contains("at least 0.50 mm"))
        #expect(error.description.contains("come out at 0.28 mm"))
        #expect(!error.description.contains("\n"))
        // The same code is fine on a poster, whose code square is 200 mm.
        var poster = dense
        poster.layout = .poster
        #expect(try poster.check(content) > 1.3)
    }

    @Test("a long public URL (long origin) is too dense for cards but not for a poster")
    func longURLRefusedOnCards() throws {
        let origin = "https://links." + String(repeating: "regional-health-network-", count: 14) + "example.org"
        let content = try PrintContent(practiceName: "Oak", url: origin + "/riverbend-physical-therapy-and-sports-rx")
        #expect(throws: PrintError.self) { try PrintDocument(layout: .cards, paper: .a4).check(content) }
        #expect(try PrintDocument(layout: .poster, paper: .a4).check(content) > 0.5)
    }

    @Test(
        "bad headlines are refused with one line",
        arguments: [
            (String(repeating: "a", count: 61), "headline is 61 characters, longer than the limit of 60"),
            ("Message\u{7}us", "headline contains a control character (U+0007): use plain text on one line"),
            ("Two\nlines", "headline contains a control character (U+000A): use plain text on one line"),
            ("abc\u{202E}def", "headline contains a control character (U+202E): use plain text on one line"),
            ("   ", "headline is empty"),
        ])
    func badHeadlines(_ headline: String, _ message: String) {
        let error = #expect(throws: PrintError.self) { try PrintRules.headline(headline) }
        #expect(error?.description == message)
    }

    @Test("a headline of 60 characters in any script is accepted, trimmed; none gives the default")
    func goodHeadlines() throws {
        let greek = String(repeating: "Ω", count: 60)
        #expect(try PrintRules.headline(" \(greek) ") == greek)
        #expect(try PrintRules.headline(nil) == "Message us securely")
        #expect(try PrintRules.headline("Scannez pour nous écrire") == "Scannez pour nous écrire")
    }

    @Test(
        "bad URLs, names and languages are refused",
        arguments: [
            ("", "Oak", "en", "link URL is empty"),
            ("ftp://spruce.care/123456", "Oak", "en", "link URL must start with https:// or http://"),
            (
                "https://spruce.care/a b", "Oak", "en",
                "link URL may hold only printable ASCII without spaces, quotes or angle brackets"
            ),
            (
                "https://spruce.care/x'y", "Oak", "en",
                "link URL may hold only printable ASCII without spaces, quotes or angle brackets"
            ),
            (url, " \u{1} ", "en", "practice name is empty"),
            (url, "Oak", "english language", "language 'english language' is not a language tag such as en or fr-CA"),
        ])
    func badContent(_ url: String, _ name: String, _ language: String, _ message: String) {
        let error = #expect(throws: PrintError.self) {
            let content = try PrintContent(practiceName: name, url: url)
            _ = try PrintDocument(layout: .poster, paper: .letter, language: language).render(content)
        }
        #expect(error?.description == message)
    }

    @Test("an unwritable output leaves no file, and an existing file is kept whole")
    func unwritableOutput() throws {
        let directory = try PrintTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = try PrintContent(practiceName: "Oak", url: Self.url)
        let document = PrintDocument(layout: .flyer, paper: .a4)
        let missing = directory.appendingPathComponent("no/such/dir/out.pdf").path
        let error = #expect(throws: PrintError.self) { try document.write([content], to: missing) }
        #expect(error?.description == "cannot write \(missing): No such file or directory")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)

        let existing = directory.appendingPathComponent("kept.pdf").path
        try Data("old".utf8).write(to: URL(fileURLWithPath: existing))
        let dense = PrintDocument(layout: .cards, paper: .a4, encoding: QRCode.Options(minimumVersion: 40))
        #expect(throws: PrintError.self) { try dense.write([content], to: existing) }
        #expect(try String(contentsOfFile: existing, encoding: .utf8) == "old")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["kept.pdf"])
    }
}
