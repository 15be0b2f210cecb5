import Foundation
import Testing

@testable import SpruceQR

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The chunks of a PNG file, read by hand to check what libpng wrote.
struct PNGChunks {
    var chunks: [(type: String, data: [UInt8])] = []

    init(_ bytes: [UInt8]) throws {
        try #require(bytes.count > 8 && Array(bytes.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var offset = 8
        while offset + 12 <= bytes.count {
            let length = Int(Self.uint32(bytes, offset))
            let type = String(decoding: bytes[offset + 4..<offset + 8], as: UTF8.self)
            try #require(offset + 12 + length <= bytes.count)
            chunks.append((type, Array(bytes[offset + 8..<offset + 8 + length])))
            offset += 12 + length
        }
    }

    func first(_ type: String) -> [UInt8]? { chunks.first { $0.type == type }?.data }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        bytes[offset..<offset + 4].reduce(0) { $0 << 8 | UInt32($1) }
    }
}

@Suite("PNG and SVG files")
struct FileFormatTests {
    static let code: QRCode? = try? QRCode(text: "https://spruce.care/123456")

    struct ColorCase: Sendable, CustomTestStringConvertible {
        var foreground: RGBAColor
        var background: RGBAColor
        var colorType: UInt8
        var hasTRNS: Bool
        var testDescription: String { "\(foreground) on \(background)" }
    }

    @Test(
        "colors choose 1-bit grayscale or 1-bit palette (with tRNS for alpha)",
        arguments: [
            ColorCase(foreground: .black, background: .white, colorType: 0, hasTRNS: false),
            ColorCase(foreground: .white, background: .black, colorType: 0, hasTRNS: false),
            ColorCase(
                foreground: RGBAColor(red: 0x1A, green: 0x7F, blue: 0x37), background: .white, colorType: 3,
                hasTRNS: false),
            ColorCase(
                foreground: .black, background: RGBAColor(red: 255, green: 255, blue: 255, alpha: 0), colorType: 3,
                hasTRNS: true),
            ColorCase(
                foreground: RGBAColor(red: 0, green: 0, blue: 0, alpha: 0x80), background: .white, colorType: 3,
                hasTRNS: true),
        ])
    func colorLayout(_ testCase: ColorCase) throws {
        let code = try #require(Self.code)
        let options = RenderOptions(
            scale: 3, margin: 4, foreground: testCase.foreground, background: testCase.background)
        let png = try PNGChunks(PNGRenderer(options: options).render(code))
        let header = try #require(png.first("IHDR"))
        let side = UInt32((code.width + 8) * 3)
        #expect(PNGChunks.uint32(header, 0) == side)
        #expect(PNGChunks.uint32(header, 4) == side)
        #expect(header[8] == 1, "bit depth")
        #expect(header[9] == testCase.colorType, "color type")
        #expect((png.first("tRNS") != nil) == testCase.hasTRNS)
        if testCase.colorType == 3 {
            let palette = try #require(png.first("PLTE"))
            let bg = testCase.background
            let fg = testCase.foreground
            #expect(palette == [bg.red, bg.green, bg.blue, fg.red, fg.green, fg.blue])
            if testCase.hasTRNS { #expect(png.first("tRNS") == [bg.alpha, fg.alpha]) }
        }
        #expect(png.first("pHYs") == nil)
    }

    @Test(
        "dpi writes pHYs in pixels per metre",
        arguments: [(72, UInt32(2835)), (300, UInt32(11811)), (600, UInt32(23622))])
    func dpi(dpi: Int, pixelsPerMetre: UInt32) throws {
        let code = try #require(Self.code)
        let png = try PNGChunks(PNGRenderer(dpi: dpi).render(code))
        let phys = try #require(png.first("pHYs"))
        #expect(phys.count == 9)
        #expect(PNGChunks.uint32(phys, 0) == pixelsPerMetre)
        #expect(PNGChunks.uint32(phys, 4) == pixelsPerMetre)
        #expect(phys[8] == 1, "unit is the metre")
    }

    @Test("pngcheck reads every layout back without warnings")
    func pngcheck() async throws {
        let code = try #require(Self.code)
        let renderers = [
            PNGRenderer(),
            PNGRenderer(options: RenderOptions(foreground: .white, background: .black)),
            PNGRenderer(
                options: RenderOptions(
                    scale: 1, margin: 0, foreground: try RGBAColor(hex: "#1A7F37CC"),
                    background: try RGBAColor(hex: "#FFFFFF00")), dpi: 300),
            PNGRenderer(options: RenderOptions(scale: 5), compression: .smallest),
            PNGRenderer(compression: .init(level: 0, strategy: .default, filter: .none)),
        ]
        try await Tools.withTemporaryDirectory { directory in
            var paths: [String] = []
            for (index, renderer) in renderers.enumerated() {
                let path = directory.appendingPathComponent("\(index).png").path
                try renderer.write(code, to: path)
                paths.append(path)
            }
            let result = try await Tools.run(["pngcheck"] + paths)
            #expect(result.status == 0, "\(result.stdoutText)")
            #expect(!result.stdoutText.lowercased().contains("warning"), "\(result.stdoutText)")
            let decoded = try await Tools.zxing(paths)
            #expect(decoded.allSatisfy { $0 == code.text })
        }
    }

    @Test("written files are world-readable and complete")
    func writtenFile() async throws {
        let code = try #require(Self.code)
        try await Tools.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("code.png").path
            try PNGRenderer().write(code, to: path)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o644)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(PNGRenderer().render(code)))
            #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["code.png"])
        }
    }

    @Test("SVG is valid XML with one path, crisp edges and a viewBox in modules")
    func svg() throws {
        let code = try #require(Self.code)
        let options = RenderOptions(
            scale: 5, margin: 3, foreground: try RGBAColor(hex: "#1A7F3780"), background: .white)
        let svg = try SVGRenderer(options: options).render(code)
        #expect(svg.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg "))
        let collector = SVGCollector()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = collector
        #expect(parser.parse(), "\(String(describing: parser.parserError))")
        let side = code.width + 6
        #expect(collector.elements.filter { $0.name == "path" }.count == 1)
        let root = try #require(collector.elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] == "0 0 \(side) \(side)")
        #expect(root.attributes["width"] == "\(side * 5)")
        #expect(root.attributes["shape-rendering"] == "crispEdges")
        let path = try #require(collector.elements.first { $0.name == "path" })
        #expect(path.attributes["fill"] == "#1A7F37")
        #expect(path.attributes["fill-opacity"] == "0.502")
        // Horizontal runs are merged: fewer rectangles than dark modules.
        let rectangles = path.attributes["d", default: ""].filter { $0 == "M" }.count
        #expect(rectangles < code.modules.filter { $0 }.count)
    }

    final class SVGCollector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String])] = []
        func parser(
            _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName: String?,
            attributes: [String: String] = [:]
        ) {
            elements.append((elementName, attributes))
        }
    }
}
