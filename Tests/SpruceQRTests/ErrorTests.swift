import Foundation
import Testing

@testable import SpruceQR

@Suite("Errors: capacity, empty text, versions, modes, colors, render options")
struct ErrorTests {
    @Test("empty text is an error")
    func emptyText() {
        #expect(throws: QRCodeError.emptyText) { try QRCode(text: "") }
    }

    struct CapacityCase: Sendable, CustomTestStringConvertible {
        var text: String
        var options: QRCode.Options
        var expected: QRCodeError
        var words: [String]
        var testDescription: String { "\(options.level.letter) \(options.mode) micro=\(options.micro)" }
    }

    static let capacityCases: [CapacityCase] = [
        CapacityCase(
            text: String(repeating: "a", count: 2954), options: .init(level: .low),
            expected: .textTooLong(level: .low, version: "40", capacity: 2953, unit: .bytes, length: 2954),
            words: ["level L", "version 40", "2953 bytes"]),
        CapacityCase(
            text: String(repeating: "a", count: 2332), options: .init(),
            expected: .textTooLong(level: .medium, version: "40", capacity: 2331, unit: .bytes, length: 2332),
            words: ["level M", "version 40", "2331 bytes"]),
        CapacityCase(
            text: String(repeating: "é", count: 1000), options: .init(level: .high, mode: .byte),
            expected: .textTooLong(level: .high, version: "40", capacity: 1273, unit: .bytes, length: 2000),
            words: ["level H", "1273 bytes", "2000 bytes"]),
        CapacityCase(
            text: String(repeating: "A", count: 2421), options: .init(level: .quartile, mode: .alphanumeric),
            expected: .textTooLong(level: .quartile, version: "40", capacity: 2420, unit: .characters, length: 2421),
            words: ["level Q", "version 40", "2420 characters"]),
        CapacityCase(
            text: String(repeating: "7", count: 5597), options: .init(),
            expected: .textTooLong(level: .medium, version: "40", capacity: 5596, unit: .characters, length: 5597),
            words: ["level M", "version 40", "5596 characters"]),
        CapacityCase(
            text: String(repeating: "AB", count: 1700), options: .init(),
            expected: .textTooLong(level: .medium, version: "40", capacity: 3391, unit: .characters, length: 3400),
            words: ["level M", "3391 characters"]),
        CapacityCase(
            text: String(repeating: "1", count: 36), options: .init(level: .low, micro: true),
            expected: .textTooLong(level: .low, version: "M4", capacity: 35, unit: .characters, length: 36),
            words: ["version M4", "35 characters"]),
        CapacityCase(
            text: "this does not fit in micro", options: .init(level: .low, micro: true),
            expected: .textTooLong(level: .low, version: "M4", capacity: 15, unit: .bytes, length: 26),
            words: ["level L", "version M4", "15 bytes"]),
    ]

    @Test("text that does not fit names level, version and capacity", arguments: capacityCases)
    func tooLong(_ testCase: CapacityCase) throws {
        let error = #expect(throws: QRCodeError.self) { try QRCode(text: testCase.text, options: testCase.options) }
        #expect(error == testCase.expected)
        let message = error?.description ?? ""
        for word in testCase.words {
            #expect(message.contains(word), "\(message)")
        }
    }

    @Test("the largest text that fits is accepted at version 40")
    func exactCapacity() throws {
        let code = try QRCode(text: String(repeating: "a", count: 2331))
        #expect(code.version == 40)
        #expect(code.width == 177)
    }

    @Test(
        "versions outside the range are rejected",
        arguments: [(0, false), (41, false), (-3, false), (5, true), (0, true)])
    func invalidVersion(version: Int, micro: Bool) {
        let allowed = micro ? 1...4 : 1...40
        #expect(throws: QRCodeError.invalidVersion(version, allowed: allowed)) {
            try QRCode(text: "x", options: .init(minimumVersion: version, micro: micro))
        }
    }

    @Test("a minimum version is honoured and grown when the text needs it")
    func minimumVersion() throws {
        #expect(try QRCode(text: "x", options: .init(minimumVersion: 7)).version == 7)
        #expect(try QRCode(text: String(repeating: "x", count: 100), options: .init(minimumVersion: 2)).version > 2)
    }

    @Test("Micro QR has no level H")
    func microLevelH() {
        #expect(throws: QRCodeError.levelNotAvailableForMicro(.high)) {
            try QRCode(text: "1", options: .init(level: .high, micro: true))
        }
    }

    @Test("alphanumeric mode names the first character it cannot encode")
    func alphanumericNotPossible() {
        let error = #expect(throws: QRCodeError.self) {
            try QRCode(text: "ABCdef", options: .init(mode: .alphanumeric))
        }
        #expect(error == .alphanumericNotPossible(character: "d"))
        #expect(error?.description.contains("\"d\"") == true)
    }

    @Test("a NUL byte is encoded, not truncated, in automatic mode")
    func nulByte() throws {
        let code = try QRCode(text: "a\u{0}b")
        let bytes = try QRCode(text: "a\u{0}b", options: .init(mode: .byte))
        #expect(code.modules == bytes.modules)
    }

    @Test(
        "colors parse from #RRGGBB and #RRGGBBAA",
        arguments: [
            ("#000000", RGBAColor(red: 0, green: 0, blue: 0)),
            ("#1a7F37", RGBAColor(red: 0x1A, green: 0x7F, blue: 0x37)),
            ("#FFFFFF80", RGBAColor(red: 255, green: 255, blue: 255, alpha: 0x80)),
        ])
    func colors(text: String, color: RGBAColor) throws {
        #expect(try RGBAColor(hex: text) == color)
    }

    @Test(
        "bad colors are errors that name the value",
        arguments: ["red", "#12345", "#1234567", "#GGGGGG", "123456", "", "#", "#ＡＢＣＤＥＦ"])
    func badColors(text: String) {
        let error = #expect(throws: RGBAColor.ParseError.self) { try RGBAColor(hex: text) }
        #expect(error?.value == text)
        #expect(error?.description.contains("\"\(text)\"") == true)
        #expect(error?.description.contains("#RRGGBB") == true)
    }

    @Test(
        "bad render options are errors",
        arguments: [
            (RenderOptions(scale: 0), RenderError.invalidScale(0)),
            (RenderOptions(scale: 1001), RenderError.invalidScale(1001)),
            (RenderOptions(margin: -1), RenderError.invalidMargin(-1)),
            (RenderOptions(foreground: .white, background: .white), RenderError.indistinguishableColors(.white)),
        ])
    func badRenderOptions(options: RenderOptions, expected: RenderError) throws {
        let code = try QRCode(text: "x")
        #expect(throws: expected) { try PNGRenderer(options: options).render(code) }
        #expect(throws: expected) { try SVGRenderer(options: options).render(code) }
    }

    @Test("bad dpi is an error", arguments: [0, -1, 100_001])
    func badDPI(dpi: Int) throws {
        let code = try QRCode(text: "x")
        #expect(throws: RenderError.invalidDPI(dpi)) { try PNGRenderer(dpi: dpi).render(code) }
    }

    @Test("a failed write leaves no file behind")
    func failedWrite() async throws {
        let code = try QRCode(text: "x")
        try await Tools.withTemporaryDirectory { directory in
            let missing = directory.appendingPathComponent("missing/code.png").path
            let error = #expect(throws: RenderError.self) { try PNGRenderer().write(code, to: missing) }
            #expect(error?.description.contains("No such file or directory") == true)
            let isDirectory = directory.appendingPathComponent("taken.png")
            try FileManager.default.createDirectory(at: isDirectory, withIntermediateDirectories: false)
            #expect(throws: RenderError.self) { try PNGRenderer().write(code, to: isDirectory.path) }
            let left = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            #expect(left == ["taken.png"])
        }
    }
}
