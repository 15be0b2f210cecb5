import Foundation
import Testing

@testable import SpruceQR

/// One code to render and read back with the real decoders.
struct RoundTripCase: Sendable, CustomTestStringConvertible {
    enum Format: String, Sendable { case png, svg }

    var name: String
    var text: String
    var level: QRCode.ErrorCorrectionLevel = .medium
    var mode: QRCode.Mode = .automatic
    var minimumVersion: Int?
    var scale = 4
    var margin = 4
    var foreground = "#000000"
    var background = "#FFFFFF"
    var dpi: Int?
    var format: Format = .png
    /// zbar reads neither light-on-dark codes nor 1-pixel modules; those are read by zxing-cpp only.
    var zbarCanRead = true

    var testDescription: String { name }
    var fileName: String { "\(name).\(format.rawValue)" }

    func render() throws -> [UInt8] {
        let code = try QRCode(text: text, options: .init(level: level, minimumVersion: minimumVersion, mode: mode))
        let options = RenderOptions(
            scale: scale, margin: margin, foreground: try RGBAColor(hex: foreground),
            background: try RGBAColor(hex: background))
        switch format {
        case .png: return try PNGRenderer(options: options, dpi: dpi).render(code)
        case .svg: return Array(try SVGRenderer(options: options).render(code).utf8)
        }
    }

    static let texts: [(String, String)] = [
        ("one-letter", "a"),
        ("two-letters", "Hi"),
        ("one-digit", "0"),
        ("spruce-url", "https://spruce.care/123456"),
        ("spruce-url-7", "https://spruce.care/1000000"),
        ("url-query", "https://example.com/path/to/page?x=1&y=two#section-3"),
        ("url-http", "http://a.b/c"),
        ("mailto", "mailto:care@spruce.care?subject=Hello%20there"),
        ("tel", "tel:+15551234567"),
        ("wifi", "WIFI:T:WPA;S:Spruce Clinic;P:correct horse battery;;"),
        ("digits-10", "0123456789"),
        ("digits-50", "12345678901234567890123456789012345678901234567890"),
        ("digits-pi", "3141592653589793238462643383279502884197"),
        ("upper-words", "HELLO WORLD"),
        ("upper-symbols", "SPRUCE-CARE $ 100% *+-./:"),
        ("upper-mixed", "ABC123XYZ789"),
        ("german", "Grüße aus Zürich"),
        ("french", "café crème brûlée"),
        ("emoji", "😀"),
        ("emoji-mix", "spruce 🌲 link 🔗 ok ✅"),
        ("japanese", "日本語のテキスト"),
        ("greek", "Ελληνικά γράμματα"),
        ("accents", "naïve résumé à la façon"),
        ("punctuation", "\"quotes\" & <angle> 'single' \\ back"),
        ("whitespace", "  leading and trailing  "),
        ("tabs", "a\tb\tc"),
        ("newline", "line one\nline two"),
        ("json", "{\"code\":\"1ABCDE\",\"v\":1}"),
        ("lower-long", "the quick brown fox jumps over the lazy dog 0123456789"),
        ("vcard", "BEGIN:VCARD\nVERSION:3.0\nFN:Dr. Ana Pérez\nTEL:+34 600 000 000\nEND:VCARD"),
        ("mixed-case-url", "HTTPS://SPRUCE.CARE/ABCDEF"),
        ("cjk-emoji", "中文 😀 한국어"),
    ]

    static var all: [RoundTripCase] {
        var cases = texts.map { RoundTripCase(name: $0.0, text: $0.1) }
        let url = "https://spruce.care/123456"
        for level in QRCode.ErrorCorrectionLevel.allCases {
            cases.append(
                RoundTripCase(name: "level-\(level.letter)", text: "level \(level.letter) \(url)", level: level))
        }
        for scale in [2, 3, 8, 12] {
            cases.append(RoundTripCase(name: "scale-\(scale)", text: "\(url)?scale=\(scale)", scale: scale))
        }
        cases += [
            RoundTripCase(name: "margin-2", text: "\(url)?margin=2", margin: 2),
            RoundTripCase(name: "margin-8", text: "\(url)?margin=8", margin: 8),
            RoundTripCase(name: "version-10", text: "version ten", minimumVersion: 10),
            RoundTripCase(name: "byte-mode", text: "BYTE MODE 123", mode: .byte),
            RoundTripCase(name: "alphanumeric-mode", text: "ALNUM MODE 123", mode: .alphanumeric),
            RoundTripCase(name: "dpi-300", text: "\(url)?dpi=300", dpi: 300),
            RoundTripCase(name: "green", text: "green on white", foreground: "#1A7F37"),
            RoundTripCase(name: "navy-on-cream", text: "navy on cream", foreground: "#000080", background: "#FFF8E7"),
            RoundTripCase(
                name: "alpha-foreground", text: "half transparent ink", foreground: "#000000CC", background: "#FFFFFF"),
            RoundTripCase(
                name: "alpha-background", text: "see-through paper", foreground: "#102030", background: "#FFFFFF80"),
            RoundTripCase(
                name: "transparent-background", text: "no paper at all", foreground: "#000000", background: "#FFFFFF00"),
            RoundTripCase(
                name: "inverted", text: "white on black", foreground: "#FFFFFF", background: "#000000",
                zbarCanRead: false),
            RoundTripCase(name: "scale-1-zxing", text: url, scale: 1, zbarCanRead: false),
            // Near capacity: version 40 at every level's limit for the mode.
            RoundTripCase(name: "capacity-L-bytes", text: String(repeating: "a", count: 2953), level: .low, scale: 2),
            RoundTripCase(
                name: "capacity-M-utf8", text: String(repeating: "é", count: 1165) + "a", level: .medium, scale: 2),
            RoundTripCase(name: "capacity-H-bytes", text: String(repeating: "x", count: 1273), level: .high, scale: 2),
            RoundTripCase(
                name: "capacity-L-digits", text: String(String(repeating: "0123456789", count: 709).prefix(7089)),
                level: .low, scale: 2),
            RoundTripCase(
                name: "capacity-Q-alnum", text: String(repeating: "SPRUCE ", count: 346).prefix(2420).description,
                level: .quartile, mode: .alphanumeric, scale: 2),
        ]
        // The same codes as SVG, rasterized by rsvg-convert.
        for (name, text) in texts.prefix(10) + [("svg-colored", "svg colored")] {
            var svg = RoundTripCase(name: "svg-\(name)", text: text, format: .svg)
            if name == "svg-colored" {
                svg.foreground = "#1A7F37CC"
                svg.background = "#FFFFF0"
            }
            cases.append(svg)
        }
        cases.append(RoundTripCase(name: "svg-scale-10-margin-2", text: "svg big", scale: 10, margin: 2, format: .svg))
        return cases
    }
}

/// Renders every case once into one directory and decodes them all: zxing-cpp in one process, zbar per file. A
/// task, not a lazily computed value: the cases wait for it without holding the cooperative pool's threads.
enum RoundTripBatch {
    struct Outcome: Sendable {
        var zbar: String?
        var zxing: String?
        var failure: String?
    }

    static let outcomes = Task { await decodeAll() }

    private static func decodeAll() async -> [String: Outcome] {
        var outcomes: [String: Outcome] = [:]
        do {
            try await Tools.withTemporaryDirectory { directory in
                var images: [(name: String, path: String)] = []
                for testCase in RoundTripCase.all {
                    do {
                        let file = directory.appendingPathComponent(testCase.fileName).path
                        try Data(testCase.render()).write(to: URL(fileURLWithPath: file))
                        var image = file
                        if testCase.format == .svg {
                            image = file + ".png"
                            try await Tools.rasterize(svg: file, to: image)
                        }
                        images.append((testCase.name, image))
                    } catch {
                        outcomes[testCase.name] = Outcome(failure: "render failed: \(error)")
                    }
                }
                let zxing = try await Tools.zxing(images.map(\.path))
                for (index, image) in images.enumerated() {
                    outcomes[image.name] = Outcome(zbar: try await Tools.zbar(image.path), zxing: zxing[index])
                }
            }
        } catch {
            for testCase in RoundTripCase.all where outcomes[testCase.name] == nil {
                outcomes[testCase.name] = Outcome(failure: "decoding failed: \(error)")
            }
        }
        return outcomes
    }
}

@Suite("Round trip through real decoders")
struct RoundTripTests {
    @Test("at least 40 distinct texts are covered")
    func coverage() {
        let texts = Set(RoundTripCase.all.map(\.text))
        #expect(texts.count >= 40)
    }

    @Test("rendered code decodes to exactly the text", arguments: RoundTripCase.all)
    func decodes(_ testCase: RoundTripCase) async throws {
        let outcome = try #require(await RoundTripBatch.outcomes.value[testCase.name])
        #expect(outcome.failure == nil)
        #expect(outcome.zxing == testCase.text, "zxing-cpp read \(String(describing: outcome.zxing?.prefix(80)))")
        if testCase.zbarCanRead {
            #expect(outcome.zbar == testCase.text, "zbarimg read \(String(describing: outcome.zbar?.prefix(80)))")
        }
    }
}
