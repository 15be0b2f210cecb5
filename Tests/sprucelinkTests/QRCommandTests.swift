import Foundation
import Testing

/// `sprucelink qr`, run as a process.
@Suite("sprucelink qr")
struct QRCommandTests {
    static let url = "https://spruce.care/123456"

    @Test("files take their type from the extension and decode with both decoders")
    func filesByExtension() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let cases: [(file: String, arguments: [String])] = [
                ("plain.png", []),
                ("big.png", ["--scale", "10", "--margin", "6", "--level", "H"]),
                ("colored.png", ["--foreground", "#1A7F37", "--background", "#FFFFFF80", "--dpi", "300"]),
                ("version.png", ["-v", "7", "-l", "q"]),
                ("drawing.svg", ["--scale", "4"]),
                ("colored.svg", ["--foreground", "#000080CC"]),
                ("typed-svg.svg", ["-t", "svg"]),
            ]
            var images: [String] = []
            for (file, arguments) in cases {
                let path = directory.appendingPathComponent(file).path
                let result = try await QRCLI.sprucelink(["qr", Self.url, "-o", path] + arguments)
                #expect(result.status == 0, "\(file): \(result.stderr)")
                #expect(result.stderr.isEmpty && result.stdout.isEmpty)
                let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
                if file.hasSuffix(".svg") {
                    #expect(bytes.starts(with: Data("<?xml".utf8)))
                    let png = path + ".png"
                    let raster = try await QRCLI.run("/usr/bin/env", ["rsvg-convert", "-o", png, path])
                    #expect(raster.status == 0)
                    images.append(png)
                } else {
                    #expect(bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]))
                    images.append(path)
                }
            }
            for (index, decoded) in try await QRCLI.decode(images).enumerated() {
                #expect(decoded.zbar == Self.url, "zbar \(images[index])")
                #expect(decoded.zxing == Self.url, "zxing \(images[index])")
            }
            let pngcheck = try await QRCLI.run(
                "/usr/bin/env", ["pngcheck"] + images.filter { !$0.hasSuffix(".svg.png") })
            #expect(pngcheck.status == 0, "\(pngcheck.stdoutText)")
        }
    }

    @Test("PNG to stdout when stdout is not a terminal; '-' means stdout")
    func pngToStdout() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            for output in [[], ["-o", "-"]] {
                let result = try await QRCLI.sprucelink(["qr", "Grüße 😀", "-t", "png"] + output)
                #expect(result.status == 0, "\(result.stderr)")
                let path = directory.appendingPathComponent("stdout\(output.count).png")
                try result.stdout.write(to: path)
                let decoded = try await QRCLI.decode([path.path])
                #expect(decoded.first?.zbar == "Grüße 😀")
                #expect(decoded.first?.zxing == "Grüße 😀")
            }
        }
    }

    @Test(
        "terminal output goes to stdout and matches qrencode",
        arguments: [
            ([String](), ["-t", "UTF8i"]),
            (["-t", "utf8"], ["-t", "UTF8i"]),
            (["-t", "ascii"], ["-t", "ASCII"]),
            (["-t", "ascii", "-m", "2", "-l", "H"], ["-t", "ASCII", "-m", "2", "-l", "H"]),
        ])
    func terminal(arguments: [String], qrencodeArguments: [String]) async throws {
        let ours = try await QRCLI.sprucelink(["qr", Self.url] + arguments)
        #expect(ours.status == 0, "\(ours.stderr)")
        var reference = qrencodeArguments
        if !reference.contains("-m") { reference += ["-m", "4"] }
        if !reference.contains("-l") { reference += ["-l", "M"] }  // qrencode's default level is L, ours M
        let theirs = try await QRCLI.run("/usr/bin/env", ["qrencode"] + reference + ["--", Self.url])
        #expect(theirs.status == 0)
        // qrencode -t UTF8i draws dark modules as glyphs with the same half blocks; compare glyph for glyph.
        let normalize: (String) -> [String] = { text in
            text.split(separator: "\n").map { String($0).replacing(/\x{1B}\[[0-9;]*m/, with: "") }
        }
        #expect(normalize(ours.stdoutText) == normalize(theirs.stdoutText))
    }

    @Test("ansi output paints black on white and resets each line")
    func ansi() async throws {
        let result = try await QRCLI.sprucelink(["qr", Self.url, "-t", "ansi"])
        #expect(result.status == 0)
        let lines = result.stdoutText.split(separator: "\n")
        #expect(!lines.isEmpty && lines.allSatisfy { $0.hasPrefix("\u{1B}[30;107m") && $0.hasSuffix("\u{1B}[0m") })
    }

    @Test("--invert draws light modules (as qrencode -t UTF8) and swaps PNG colors")
    func invert() async throws {
        let ours = try await QRCLI.sprucelink(["qr", Self.url, "--invert"])
        let theirs = try await QRCLI.run(
            "/usr/bin/env", ["qrencode", "-t", "UTF8", "-m", "4", "-l", "M", "--", Self.url])
        let strip: (String) -> [String] = {
            $0.split(separator: "\n").map { String($0).replacing(/\x{1B}\[[0-9;]*m/, with: "") }
        }
        #expect(strip(ours.stdoutText) == strip(theirs.stdoutText))
        try await QRCLI.withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("inverted.png").path
            let result = try await QRCLI.sprucelink(["qr", Self.url, "--invert", "-o", path])
            #expect(result.status == 0)
            // zbar does not read light-on-dark codes; zxing-cpp does.
            #expect(try await QRCLI.decode([path]).first?.zxing == Self.url)
        }
    }

    @Test("batch writes 1.png, 2.png … by line number, reports the bad line and exits non-zero")
    func batch() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let long = String(repeating: "x", count: 3000)
            let texts = ["https://spruce.care/100001", "", "https://spruce.care/100003", long, "Grüße 😀", "  "]
            let input = directory.appendingPathComponent("texts.txt")
            try Data(texts.joined(separator: "\n").utf8).write(to: input)
            let output = directory.appendingPathComponent("codes")
            let result = try await QRCLI.sprucelink([
                "qr", "--batch", input.path, "--output-dir", output.path, "-s", "4",
            ])
            #expect(result.status == 1)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("line 4:") && result.stderr.contains("2331 bytes"))
            #expect(!result.stderr.contains("\r"), "no progress bar when stderr is not a terminal")
            #expect(result.stdoutText == "wrote 4 of 5 codes to \(output.path), 1 failed\n")
            #expect(try QRCLI.files(in: output) == ["1.png", "3.png", "5.png", "6.png"])
            let numbers = [1, 3, 5, 6]
            let decoded = try await QRCLI.decode(numbers.map { output.appendingPathComponent("\($0).png").path })
            for (number, result) in zip(numbers, decoded) {
                #expect(result.zbar == texts[number - 1], "zbar \(number).png")
                #expect(result.zxing == texts[number - 1], "zxing \(number).png")
            }
        }
    }

    @Test("batch as SVG with every line good exits 0")
    func batchSVG() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data("ONE\r\nTWO\r\n".utf8).write(to: input)
            let result = try await QRCLI.sprucelink([
                "qr", "--batch", input.path, "--output-dir", directory.path, "-t", "svg",
            ])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try QRCLI.files(in: directory) == ["1.svg", "2.svg", "texts.txt"])
            let png = directory.appendingPathComponent("2.png").path
            #expect(
                try await QRCLI.run(
                    "/usr/bin/env", ["rsvg-convert", "-o", png, directory.appendingPathComponent("2.svg").path]
                ).status == 0)
            #expect(try await QRCLI.decode([png]).first?.zbar == "TWO")
        }
    }

    struct BadOption: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var status: Int32
        var mentions: [String]
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badOptions: [BadOption] = [
        BadOption(arguments: ["--scale", "0"], status: 64, mentions: ["--scale", "1...1000"]),
        BadOption(arguments: ["--scale", "big"], status: 64, mentions: ["--scale", "1...1000"]),
        BadOption(arguments: ["--margin", "-1"], status: 64, mentions: ["--margin", "0...100"]),
        BadOption(arguments: ["--level", "X"], status: 64, mentions: ["--level", "L, M, Q, H"]),
        BadOption(arguments: ["--foreground", "red"], status: 64, mentions: ["--foreground", "#RRGGBB"]),
        BadOption(arguments: ["--background", "#12345"], status: 64, mentions: ["--background", "#RRGGBBAA"]),
        BadOption(
            arguments: ["--foreground", "#FFFFFF", "--background", "#ffffff"], status: 64,
            mentions: ["--foreground", "--background"]),
        BadOption(arguments: ["--symbol-version", "41"], status: 64, mentions: ["--symbol-version", "1...40"]),
        BadOption(arguments: ["-v", "0"], status: 64, mentions: ["--symbol-version", "1...40"]),
        BadOption(arguments: ["--micro", "-v", "5"], status: 64, mentions: ["--symbol-version", "1...4"]),
        BadOption(arguments: ["--micro", "--level", "H"], status: 64, mentions: ["--level", "--micro"]),
        BadOption(arguments: ["--dpi", "0"], status: 64, mentions: ["--dpi", "1...100000"]),
        BadOption(arguments: ["--type", "jpeg"], status: 64, mentions: ["--type", "png, svg, utf8, ansi, ascii"]),
        BadOption(arguments: ["--mode", "kanji"], status: 64, mentions: ["--mode", "auto, byte, alphanumeric"]),
        BadOption(arguments: ["-o", "OUT/code.txt"], status: 64, mentions: ["--output", ".png", "--type"]),
        BadOption(arguments: ["-o", "OUT/code.png", "-t", "svg"], status: 64, mentions: ["--type", "--output"]),
        BadOption(
            arguments: ["-o", "OUT/missing/code.png"], status: 1, mentions: ["--output", "No such file or directory"]),
        BadOption(
            arguments: ["-o", "OUT/code.png", "--output-dir", "OUT"], status: 64, mentions: ["--output-dir", "--batch"]),
        BadOption(
            arguments: ["--mode", "alphanumeric", "-o", "OUT/code.png"], status: 1, mentions: ["alphanumeric", "\"h\""]),
    ]

    @Test("bad options exit non-zero with one stderr line naming the option; no file is left", arguments: badOptions)
    func badOption(_ bad: BadOption) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let arguments = bad.arguments.map { $0.replacingOccurrences(of: "OUT", with: directory.path) }
            let result = try await QRCLI.sprucelink(["qr", Self.url] + arguments)
            #expect(result.status == bad.status)
            #expect(result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("Error: "))
            for word in bad.mentions {
                #expect(result.stderr.contains(word), "\(result.stderr)")
            }
            #expect(result.stdout.isEmpty)
            #expect(try QRCLI.files(in: directory).isEmpty)
        }
    }

    @Test(
        "batch misuse and capacity errors are one line too",
        arguments: [
            (["qr", "--batch", "FILE"], "--output-dir"),
            (["qr", "--batch", "FILE", "--output-dir", "OUT", "-t", "ascii"], "--type"),
            (["qr", "--batch", "OUT/none.txt", "--output-dir", "OUT"], "--batch"),
            (["qr", "TEXT", "--batch", "FILE", "--output-dir", "OUT"], "--batch"),
            (["qr"], "text"),
            (["qr", ""], "empty"),
            (["qr", String(repeating: "a", count: 2954), "-l", "L"], "level L: version 40 holds at most 2953 bytes"),
        ])
    func misuse(arguments: [String], mention: String) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("in.txt")
            try Data("a\n".utf8).write(to: file)
            let resolved = arguments.map {
                $0.replacingOccurrences(of: "FILE", with: file.path).replacingOccurrences(
                    of: "OUT", with: directory.path)
            }
            let result = try await QRCLI.sprucelink(resolved)
            #expect(result.status != 0)
            #expect(result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(mention), "\(result.stderr)")
            #expect(try QRCLI.files(in: directory) == ["in.txt"])
        }
    }

    @Test("--version still prints the tool version; the symbol version is --symbol-version")
    func versionFlag() async throws {
        let result = try await QRCLI.sprucelink(["qr", Self.url, "--version"])
        #expect(result.status == 0)
        #expect(result.stdoutText == "0.1.0\n")
        let help = try await QRCLI.sprucelink(["qr", "--help"])
        #expect(help.stdoutText.contains("--symbol-version"))
    }

    /// Runs sprucelink with stdout and stderr on a pseudo-terminal (util-linux `script`, in every Debian base).
    private func onTerminal(_ arguments: [String]) async throws -> QRCLI.Result {
        let command = try ([QRCLI.binary()] + arguments).map {
            "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        return try await QRCLI.run("/usr/bin/env", ["script", "-qec", command.joined(separator: " "), "/dev/null"])
    }

    @Test("on a terminal: PNG is refused, the default is black-on-white half blocks, batch shows progress")
    func terminalBehaviour() async throws {
        let png = try await onTerminal(["qr", Self.url, "-t", "png"])
        #expect(png.status != 0)
        #expect(png.stdoutText.contains("refusing to write PNG bytes to a terminal"))
        #expect(!png.stdoutText.contains("PNG\r"))

        let shown = try await onTerminal(["qr", Self.url])
        #expect(shown.status == 0)
        #expect(shown.stdoutText.hasPrefix("\u{1B}[30;107m"))
        let plain = shown.stdoutText.replacing(/\x{1B}\[[0-9;]*m/, with: "").replacingOccurrences(
            of: "\r\n", with: "\n")
        let reference = try await QRCLI.run(
            "/usr/bin/env", ["qrencode", "-t", "UTF8i", "-m", "4", "-l", "M", "--", Self.url])
        #expect(plain.split(separator: "\n") == reference.stdoutText.split(separator: "\n"))

        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data("one\ntwo\n".utf8).write(to: input)
            let batch = try await onTerminal(["qr", "--batch", input.path, "--output-dir", directory.path])
            #expect(batch.status == 0)
            #expect(batch.stdoutText.contains("] 2/2"))
            #expect(batch.stdoutText.contains("wrote 2 of 2 codes"))
        }
    }
}
