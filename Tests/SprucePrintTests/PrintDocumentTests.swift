import Foundation
import SpruceCore
import SpruceQR
import Testing

@testable import SprucePrint

@Suite("Print: documents")
struct PrintDocumentTests {
    @Test("metadata: title and author name the practice, the catalog has the language, poppler reads it")
    func metadata() async throws {
        let directory = try PrintTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = try PrintContent(practiceName: "Ορθοπεδική Κλινική", url: "https://spruce.care/3914805")
        let bytes = try PrintDocument(layout: .poster, paper: .a4, language: "el").render(content)
        let pdf = directory.appendingPathComponent("poster.pdf")
        try Data(bytes).write(to: pdf)
        let info = try await PrintTools.info(pdf.path)
        #expect(info["Title"] == "Ορθοπεδική Κλινική: Poster (spruce.care/3914805)")
        #expect(info["Author"] == "Ορθοπεδική Κλινική")
        #expect(info["Creator"] == "SpruceLink")
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains("/Lang (el)"))
        #expect(text.hasSuffix("%%EOF\n"))
        // The link is in the PDF as a URI action too, for readers and screen readers.
        #expect(text.contains("(https://spruce.care/3914805)"))
    }

    @Test("several links give one sheet each, in order, every code decoding to its own link")
    func severalLinks() async throws {
        let directory = try PrintTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let urls = ["https://spruce.care/48271630", "https://spruce.care/59183402", "https://spruce.care/oak-street"]
        let contents = try urls.map { try PrintContent(practiceName: "Oak Street Pediatrics", url: $0) }
        let pdf = directory.appendingPathComponent("all.pdf").path
        try PrintDocument(layout: .flyer, paper: .letter).write(contents, to: pdf)
        #expect(try await PrintTools.info(pdf)["Pages"] == "3")
        let pages = try await PrintTools.rasterize(pdf, dpi: 100, into: directory)
        #expect(try await PrintTools.zxing(pages) == urls.map { [$0, $0] })
    }

    @Test(
        "a long name wraps or shrinks and never leaves the page; the code still scans", arguments: PrintLayout.allCases)
    func longName(_ layout: PrintLayout) async throws {
        let directory = try PrintTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let name =
            "Community Health Center of the Greater Riverbend Valley Pediatric and Adolescent "
            + "Supercalifragilisticexpialidocious"
        #expect(name.count <= ProfileLimits.displayName.upperBound)
        let content = try PrintContent(
            practiceName: name, url: "https://spruce.care/48271630",
            headline: "Scan to send us a secure message — we answer within a day")
        let pdf = directory.appendingPathComponent("long.pdf").path
        let paper = Paper.letter
        try PrintDocument(layout: layout, paper: paper).write([content], to: pdf)
        let boxes = try await PrintTools.wordBoxes(pdf)
        #expect(boxes.contains { $0.word == "Riverbend" })
        for box in boxes {
            #expect(box.xMin >= 0 && box.xMax <= paper.size.width, "\(box.word) leaves the page sideways")
            #expect(box.yMin >= 0 && box.yMax <= paper.size.height, "\(box.word) leaves the page")
        }
        let pages = try await PrintTools.rasterize(pdf, dpi: 150, into: directory)
        let expected = Array(repeating: content.url, count: layout.codesPerSheet)
        let zxing = try await PrintTools.zxing(pages)
        #expect(zxing == [expected], "zxing-cpp: \(zxing) in \(pages)")
        let zbar = try await PrintTools.zbar(sheet: pages[0], layout: layout, paper: paper, dpi: 150)
        #expect(zbar == expected, "zbar: \(zbar)")
    }

    @Test(
        "the language tag check",
        arguments: [
            ("en", true), ("fr-CA", true), ("zh-Hans-CN", true), ("e", false),
            ("english", false), ("en_US", false), ("12", false),
        ])
    func languageTags(_ tag: String, _ valid: Bool) {
        #expect(PrintDocument.isLanguageTag(tag) == valid)
    }
}
