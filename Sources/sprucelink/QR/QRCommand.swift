import ArgumentParser
import Foundation
import SpruceQR

/// `sprucelink qr`: encode a text (or every line of a file) as a QR code and render it.
///
/// Option values are taken as text and checked in `run()` so that a bad value gives exactly one stderr line
/// that names the option and its allowed values, and exit status 64 (EX_USAGE). ArgumentParser's own
/// `ValidationError` would add the usage text below the message.
struct QRCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qr",
        abstract: "Encode a text as a QR code: PNG, SVG or terminal output.",
        discussion: """
            The output type follows --output's extension (.png, .svg), or --type. Without --output the code is \
            drawn on the terminal (half blocks; with explicit black-on-white colors when stdout is a terminal, \
            so it scans on dark and light themes). PNG bytes go to stdout only when it is not a terminal.

            The symbol version option is --symbol-version (short -v); ArgumentParser reserves --version on \
            every subcommand for the tool's own version.
            """
    )

    @Argument(help: "The text to encode.")
    var text: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Output file; '-' or none writes to stdout.", valueName: "path"))
    var output: String?

    @Option(
        name: [.customShort("t"), .long],
        help: ArgumentHelp("Output type: png, svg, utf8, ansi or ascii.", valueName: "type"))
    var type: String?

    @Option(
        name: .shortAndLong, help: ArgumentHelp("Error-correction level: L, M (default), Q or H.", valueName: "level"))
    var level: String?

    @Option(
        name: [.customShort("v"), .customLong("symbol-version")],
        parsing: .unconditional,
        help: ArgumentHelp(
            "Minimum symbol version: 1...40, or 1...4 with --micro (default: smallest that fits).", valueName: "n"))
    var symbolVersion: String?

    @Option(help: ArgumentHelp("Segment mode: auto (default), byte or alphanumeric.", valueName: "mode"))
    var mode: String?

    @Flag(help: "Encode a Micro QR code (levels L, M, Q).")
    var micro = false

    @Option(
        name: .shortAndLong, parsing: .unconditional,
        help: ArgumentHelp("Pixels per module for png and svg: 1...1000 (default 8).", valueName: "n"))
    var scale: String?

    @Option(
        name: .shortAndLong, parsing: .unconditional,
        help: ArgumentHelp("Quiet zone in modules: 0...100 (default 4).", valueName: "n"))
    var margin: String?

    @Option(
        help: ArgumentHelp(
            "Dark module color for png and svg, #RRGGBB or #RRGGBBAA (default #000000).", valueName: "hex"))
    var foreground: String?

    @Option(
        help: ArgumentHelp(
            "Light module color for png and svg, #RRGGBB or #RRGGBBAA (default #FFFFFF).", valueName: "hex"))
    var background: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Resolution stored in the PNG (pHYs chunk): 1...100000.", valueName: "n"))
    var dpi: String?

    @Flag(help: "Swap dark and light (colors for png and svg, glyphs for terminal output).")
    var invert = false

    @Option(
        help: ArgumentHelp(
            "Encode every non-empty line of this file; files are named by line number.", valueName: "file"))
    var batch: String?

    @Option(help: ArgumentHelp("Directory for --batch output (created if missing).", valueName: "dir"))
    var outputDir: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("Codes --batch renders at once: 1...256 (default: one per core).", valueName: "n"))
    var jobs: String?

    func run() async throws {
        let settings: QRSettings
        var workers = ProcessInfo.processInfo.activeProcessorCount
        do {
            settings = try QRSettings(self)
            if let jobs {
                guard batch != nil else { throw QRUsageError(description: "--jobs only applies to --batch") }
                guard let count = Int(jobs), (1...256).contains(count) else {
                    throw QRUsageError(description: "--jobs must be a whole number from 1 to 256, got '\(jobs)'")
                }
                workers = count
            }
        } catch {
            QRConsole.error("\(error)")
            throw ExitCode.validationFailure
        }
        do {
            if let batchFile = batch, let directory = outputDir {
                let failures = try QRBatch(settings: settings, file: batchFile, directory: directory, workers: workers)
                    .run()
                if failures > 0 { throw ExitCode.failure }
            } else {
                try settings.renderSingle(text: text ?? "", output: output)
            }
        } catch let error as ExitCode {
            throw error
        } catch {
            QRConsole.error("\(error)")
            throw ExitCode.failure
        }
    }
}
