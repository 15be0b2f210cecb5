import Foundation
import SpruceQR

/// A bad option value: one line that names the option and what it allows.
struct QRUsageError: Error, CustomStringConvertible {
    var description: String
}

/// What `sprucelink qr` can write.
enum QROutputType: String, CaseIterable {
    case png, svg, utf8, ansi, ascii

    static let allowed = allCases.map(\.rawValue).joined(separator: ", ")

    var isImage: Bool { self == .png || self == .svg }
}

/// The checked options of one `sprucelink qr` run.
struct QRSettings {
    var encoding: QRCode.Options
    var render: RenderOptions
    var dpi: Int?
    var invert: Bool
    /// `nil` when neither --type nor an --output extension decides (single mode only).
    var type: QROutputType?

    init(_ command: QRCommand) throws(QRUsageError) {
        encoding = QRCode.Options()
        render = RenderOptions()
        invert = command.invert

        if let level = command.level {
            guard let value = QRCode.ErrorCorrectionLevel(rawValue: level.uppercased()) else {
                throw QRUsageError(description: "--level '\(level)' is not a level: allowed L, M, Q, H")
            }
            encoding.level = value
        }
        encoding.micro = command.micro
        if encoding.micro, encoding.level == .high {
            throw QRUsageError(description: "--level H is not available with --micro: allowed L, M, Q")
        }
        if let mode = command.mode {
            switch mode.lowercased() {
            case "auto", "automatic": encoding.mode = .automatic
            case "byte", "8bit", "8": encoding.mode = .byte
            case "alphanumeric", "an": encoding.mode = .alphanumeric
            default: throw QRUsageError(description: "--mode '\(mode)' is not a mode: allowed auto, byte, alphanumeric")
            }
        }
        if let version = command.symbolVersion {
            let range = encoding.versionRange
            encoding.minimumVersion = try Self.integer(
                version, option: "--symbol-version", range: range,
                note: encoding.micro ? " with --micro" : "")
        }
        if let scale = command.scale {
            render.scale = try Self.integer(scale, option: "--scale", range: 1...RenderOptions.maximumScale)
        }
        if let margin = command.margin {
            render.margin = try Self.integer(margin, option: "--margin", range: 0...RenderOptions.maximumMargin)
        }
        if let dpi = command.dpi {
            self.dpi = try Self.integer(dpi, option: "--dpi", range: 1...100_000)
        }
        if let foreground = command.foreground {
            render.foreground = try Self.color(foreground, option: "--foreground")
        }
        if let background = command.background {
            render.background = try Self.color(background, option: "--background")
        }
        if render.foreground == render.background {
            throw QRUsageError(
                description: "--foreground and --background are both \(render.foreground): use two different colors")
        }
        if invert {
            swap(&render.foreground, &render.background)
        }

        var type: QROutputType?
        if let name = command.type {
            guard let value = QROutputType(rawValue: name.lowercased()) else {
                throw QRUsageError(description: "--type '\(name)' is not a type: allowed \(QROutputType.allowed)")
            }
            type = value
        }

        if let batch = command.batch {
            guard command.text == nil else {
                throw QRUsageError(
                    description: "--batch takes the texts from its file: give either a text or --batch, not both")
            }
            guard command.outputDir != nil else {
                throw QRUsageError(description: "--batch needs --output-dir DIR")
            }
            guard command.output == nil else {
                throw QRUsageError(description: "--output is for one code: with --batch use --output-dir")
            }
            guard !batch.isEmpty else { throw QRUsageError(description: "--batch needs a file path") }
            let batchType = type ?? .png
            guard batchType.isImage else {
                throw QRUsageError(
                    description: "--type '\(batchType.rawValue)' is not available with --batch: allowed png, svg")
            }
            type = batchType
        } else {
            if command.outputDir != nil {
                throw QRUsageError(description: "--output-dir is for --batch: for one code use --output")
            }
            guard let text = command.text else {
                throw QRUsageError(description: "missing text: give a text to encode, or --batch FILE --output-dir DIR")
            }
            guard !text.isEmpty else { throw QRUsageError(description: "the text is empty: give a text to encode") }
            if let output = command.output, output != "-" {
                let lowered = output.lowercased()
                let fromExtension: QROutputType? =
                    lowered.hasSuffix(".png") ? .png : lowered.hasSuffix(".svg") ? .svg : nil
                if let fromExtension, let explicit = type, explicit != fromExtension {
                    throw QRUsageError(
                        description:
                            "--type '\(explicit.rawValue)' contradicts --output '\(output)': the extension asks for \(fromExtension.rawValue)"
                    )
                }
                type = type ?? fromExtension
                guard type != nil else {
                    throw QRUsageError(
                        description:
                            "--output '\(output)' has no .png or .svg extension: add one or give --type (\(QROutputType.allowed))"
                    )
                }
            }
        }
        self.type = type
    }

    /// Encodes one text and writes it to `output` (a path, `-` or `nil` for stdout).
    func renderSingle(text: String, output: String?) throws {
        let code = try QRCode(text: text, options: encoding)
        let toStdout = output == nil || output == "-"
        let stdoutIsTerminal = isatty(STDOUT_FILENO) != 0
        let type = self.type ?? (stdoutIsTerminal ? .ansi : .utf8)
        let bytes = try self.bytes(for: code, type: type)
        if toStdout {
            if type == .png, stdoutIsTerminal {
                throw QRUsageError(
                    description: "refusing to write PNG bytes to a terminal: use --output FILE.png or redirect stdout")
            }
            QRConsole.writeStdout(bytes)
        } else if let path = output {
            try QRFiles.writeAtomically(bytes, to: path)
        }
    }

    /// The rendered bytes of `code` for `type`.
    func bytes(for code: QRCode, type: QROutputType) throws -> [UInt8] {
        switch type {
        case .png:
            return try PNGRenderer(options: render, dpi: dpi).render(code)
        case .svg:
            return Array(try SVGRenderer(options: render).render(code).utf8)
        case .utf8, .ansi, .ascii:
            let renderer = TerminalRenderer(
                style: type == .ascii ? .ascii : .halfBlocks, margin: render.margin, ansiColors: type == .ansi,
                inverted: invert)
            return Array(try renderer.render(code).utf8)
        }
    }

    private static func integer(
        _ text: String, option: String, range: ClosedRange<Int>, note: String = ""
    ) throws(QRUsageError) -> Int {
        guard let value = Int(text), range.contains(value) else {
            throw QRUsageError(
                description:
                    "\(option) '\(text)' is out of range: allowed \(range.lowerBound)...\(range.upperBound)\(note)")
        }
        return value
    }

    private static func color(_ text: String, option: String) throws(QRUsageError) -> RGBAColor {
        do {
            return try RGBAColor(hex: text)
        } catch {
            throw QRUsageError(description: "\(option) '\(text)' is not a color: allowed #RRGGBB or #RRGGBBAA")
        }
    }
}
