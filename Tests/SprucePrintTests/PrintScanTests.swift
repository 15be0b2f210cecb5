import Foundation
import SpruceCore
import SprucePrint
import Testing

/// Every layout on every paper, with each of the four names and each kind of link, rendered, rasterized and
/// decoded with two decoders; the PDF's text, fonts, page size and images checked with poppler-utils.
@Suite("Print: layouts scan")
struct PrintScanTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let layout: PrintLayout
        let paper: Paper
        let name: String
        let url: String
        let colors: QRColors
        /// Also rasterized and decoded at 300 DPI (one case per layout and paper keeps the suite fast).
        let at300DPI: Bool

        var testDescription: String {
            "\(layout.rawValue) \(paper.rawValue) \(name) \(url)\(colors == .standard ? "" : " colored")"
                + (at300DPI ? " +300dpi" : "")
        }
    }

    static let names = ["Élan Pédiatrie", "Ορθοπεδική Κλινική", "北京协和诊所", "عيادة النور"]
    static let longVanity = "riverbend-physical-therapy-and-sports-rx"

    static let links: [(url: String, colors: QRColors)] = {
        let colored = (try? QRColors(foreground: "#1a4d2e", background: "#f5f0e6")) ?? .standard
        return [
            ("https://spruce.care/48271630", .standard),
            ("https://spruce.care/elan-pediatrie", .standard),
            ("https://spruce.care/" + longVanity, .standard),
            ("https://spruce.care/lumen-dermatology", colored),
        ]
    }()

    /// 8 layout × paper pairs × 4 names = 32 documents; each pair gets every name and every link (rotated), and
    /// one of its four documents is also decoded at 300 DPI.
    static let cases: [Case] = {
        var cases: [Case] = []
        for (pairIndex, pair) in PrintLayout.allCases.flatMap({ layout in Paper.allCases.map { (layout, $0) } })
            .enumerated()
        {
            for (nameIndex, name) in names.enumerated() {
                let link = links[(pairIndex + nameIndex) % links.count]
                cases.append(
                    Case(
                        layout: pair.0, paper: pair.1, name: name, url: link.url, colors: link.colors,
                        at300DPI: nameIndex == pairIndex % names.count))
            }
        }
        return cases
    }()

    @Test("the table covers every layout, paper, name and link, and the colored link", arguments: [0])
    func coverage(_: Int) {
        #expect(Set(Self.cases.map(\.layout)) == Set(PrintLayout.allCases))
        #expect(Set(Self.cases.map(\.paper)) == Set(Paper.allCases))
        for layout in PrintLayout.allCases {
            for paper in Paper.allCases {
                let pair = Self.cases.filter { $0.layout == layout && $0.paper == paper }
                #expect(Set(pair.map(\.name)) == Set(Self.names))
                #expect(Set(pair.map(\.url)) == Set(Self.links.map(\.url)))
                #expect(pair.filter(\.at300DPI).count == 1)
            }
        }
    }

    @Test("renders, every code decodes with zbar and zxing-cpp, text and fonts are right", arguments: cases)
    func scans(_ testCase: Case) async throws {
        let directory = try PrintTools.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let content = try PrintContent(practiceName: testCase.name, url: testCase.url, colors: testCase.colors)
        let pdf = directory.appendingPathComponent("document.pdf").path
        try PrintDocument(layout: testCase.layout, paper: testCase.paper).write([content], to: pdf)

        let size = try #require(try await PrintTools.pageSize(pdf))
        #expect(abs(size.width - testCase.paper.size.width) < 0.01)
        #expect(abs(size.height - testCase.paper.size.height) < 0.01)
        #expect(try await PrintTools.info(pdf)["Pages"] == "1")

        let fonts = try await PrintTools.fonts(pdf)
        #expect(!fonts.isEmpty)
        for font in fonts { #expect(font.embedded, "font \(font.name) is not embedded") }
        #expect(try await PrintTools.imageCount(pdf) == 0, "the PDF holds a raster image")

        // Names wrap: compare with every run of whitespace as one space.
        let text = try await PrintTools.text(pdf).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains(content.displayURL))
        if testCase.name.unicodeScalars.contains(where: { (0x0600...0x06FF).contains($0.value) }) {
            // pdftotext cannot undo Arabic ligatures and joining forms: look for Arabic letters.
            #expect(
                text.unicodeScalars.contains {
                    (0x0600...0x06FF).contains($0.value) || (0xFE70...0xFEFF).contains($0.value)
                })
        } else {
            #expect(text.contains(testCase.name), "pdftotext: \(text)")
        }

        let expected = Array(repeating: testCase.url, count: testCase.layout.codesPerSheet)
        for dpi in testCase.at300DPI ? [150, 300] : [150] {
            let pages = try await PrintTools.rasterize(pdf, dpi: dpi, into: directory)
            #expect(pages.count == 1)
            for page in pages {
                let zbar = try await PrintTools.zbar(
                    sheet: page, layout: testCase.layout, paper: testCase.paper, dpi: dpi)
                #expect(zbar == expected, "zbar at \(dpi) dpi: \(zbar)")
            }
            let zxing = try await PrintTools.zxing(pages)
            #expect(zxing == [expected], "zxing-cpp at \(dpi) dpi, whole sheet: \(zxing)")
        }
    }
}
