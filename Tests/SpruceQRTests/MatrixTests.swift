import Foundation
import Testing

@testable import SpruceQR

/// The symbol libqrencode gives us must be the one the `qrencode` tool draws for the same options, and the
/// terminal renderer must draw it module for module.
@Suite("Matrix and terminal output against qrencode -t ASCII")
struct MatrixTests {
    struct Symbol: Sendable, CustomTestStringConvertible {
        var text: String
        var options: QRCode.Options
        /// The qrencode flags that select the same symbol.
        var flags: [String]
        var testDescription: String { "\(text.prefix(24)) \(flags.joined(separator: " "))" }
    }

    static let symbols: [Symbol] = [
        Symbol(text: "https://spruce.care/123456", options: .init(), flags: ["-l", "M"]),
        Symbol(text: "HELLO WORLD 123", options: .init(level: .quartile), flags: ["-l", "Q"]),
        Symbol(text: "Grüße 😀", options: .init(level: .high), flags: ["-l", "H"]),
        Symbol(
            text: "0123456789012345", options: .init(level: .low, minimumVersion: 5), flags: ["-l", "L", "-v", "5"]),
        Symbol(text: "byte mode TEXT 42", options: .init(mode: .byte), flags: ["-l", "M", "-8"]),
        Symbol(text: String(repeating: "long text ", count: 40), options: .init(), flags: ["-l", "M"]),
    ]

    /// Micro QR: zbar cannot decode Micro QR, so Micro codes are checked by matrix comparison with
    /// `qrencode -M` (which needs an explicit version) instead of a decoder.
    static let microSymbols: [Symbol] = [
        Symbol(
            text: "12345", options: .init(level: .low, minimumVersion: 1, micro: true),
            flags: ["-M", "-l", "L", "-v", "1"]),
        Symbol(
            text: "ABC123", options: .init(level: .low, minimumVersion: 2, micro: true),
            flags: ["-M", "-l", "L", "-v", "2"]),
        Symbol(
            text: "spruce", options: .init(level: .medium, minimumVersion: 3, micro: true),
            flags: ["-M", "-l", "M", "-v", "3"]),
        Symbol(
            text: "SPRUCE.CARE", options: .init(level: .quartile, minimumVersion: 4, micro: true),
            flags: ["-M", "-l", "Q", "-v", "4"]),
        Symbol(
            text: "bytes!", options: .init(level: .low, minimumVersion: 3, mode: .byte, micro: true),
            flags: ["-M", "-8", "-l", "L", "-v", "3"]),
    ]

    @Test("matrix equals qrencode's", arguments: symbols + microSymbols)
    func matrixMatchesQrencode(_ symbol: Symbol) async throws {
        let code = try QRCode(text: symbol.text, options: symbol.options)
        let reference = try await Tools.qrencodeMatrix(symbol.text, arguments: symbol.flags + ["-m", "0"])
        #expect(code.paddedRows(margin: 0) == reference)
        #expect(code.modules.count == code.width * code.width)
        #expect(code.isMicro == symbol.options.micro)
    }

    @Test("Micro QR picks the smallest version that fits")
    func microAutomaticVersion() throws {
        let code = try QRCode(text: "12345", options: .init(level: .low, micro: true))
        #expect(code.version == 1)
        #expect(code.width == 11)
        let larger = try QRCode(text: "spruce.care!", options: .init(level: .low, micro: true))
        #expect(larger.version == 4)
        #expect(larger.width == 17)
        // Alphanumeric mode needs M2 at least (M1 holds digits only); the loop over versions finds it.
        let alphanumeric = try QRCode(text: "ABC", options: .init(level: .low, mode: .alphanumeric, micro: true))
        #expect(alphanumeric.version == 2)
        #expect(alphanumeric.isMicro)
    }

    struct TerminalCase: Sendable, CustomTestStringConvertible {
        var style: TerminalRenderer.Style
        var ansiColors: Bool
        var inverted: Bool
        var margin: Int
        var testDescription: String {
            "\(style.rawValue)\(ansiColors ? " ansi" : "")\(inverted ? " inverted" : "") margin \(margin)"
        }
    }

    static let terminalCases: [TerminalCase] = TerminalRenderer.Style.allCases.flatMap { style in
        [false, true].flatMap { ansi in
            [false, true].flatMap { inverted in
                [2, 4].map { TerminalCase(style: style, ansiColors: ansi, inverted: inverted, margin: $0) }
            }
        }
    }

    @Test("terminal output equals qrencode -t ASCII module for module", arguments: terminalCases)
    func terminalMatchesQrencode(_ terminal: TerminalCase) async throws {
        for symbol in Self.symbols.prefix(4) + Self.microSymbols.prefix(1) {
            let code = try QRCode(text: symbol.text, options: symbol.options)
            let renderer = TerminalRenderer(
                style: terminal.style, margin: terminal.margin, ansiColors: terminal.ansiColors,
                inverted: terminal.inverted)
            let text = try renderer.render(code)
            let side = code.width + 2 * terminal.margin
            let parsed = TerminalParser.matrix(text, style: terminal.style, inverted: terminal.inverted, side: side)
            let reference = try await Tools.qrencodeMatrix(
                symbol.text, arguments: symbol.flags + ["-m", "\(terminal.margin)"])
            #expect(parsed == reference, "\(symbol.testDescription)")
            let lines = text.split(separator: "\n")
            #expect(lines.count == (terminal.style == .halfBlocks ? (side + 1) / 2 : side))
            if terminal.ansiColors {
                #expect(lines.allSatisfy { $0.hasPrefix("\u{1B}[30;107m") && $0.hasSuffix("\u{1B}[0m") })
            } else {
                #expect(!text.contains("\u{1B}"))
            }
        }
    }

    @Test("an odd side leaves a light lower half on the last half-block line")
    func halfBlocksOddSide() throws {
        let code = try QRCode(text: "odd", options: .init())  // 21 + 2 * 4 = 29 rows
        let lines = try TerminalRenderer(inverted: false).render(code).split(separator: "\n")
        #expect(lines.count == 15)
        #expect(lines.last?.allSatisfy { $0 == " " || $0 == "▀" } == true)
        let inverted = try TerminalRenderer(inverted: true).render(code).split(separator: "\n")
        #expect(inverted.last?.allSatisfy { $0 == "▄" || $0 == "█" } == true)
    }
}
