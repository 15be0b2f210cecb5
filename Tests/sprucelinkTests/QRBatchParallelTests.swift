import Foundation
import Testing

/// `sprucelink qr --batch` renders on every core: the files, the messages and the progress are those of a
/// one-thread run.
@Suite("qr --batch on every core")
struct QRBatchParallelTests {
    /// 700 lines (several windows of work on any machine), with empty lines and three that cannot be encoded.
    static func texts() -> [String] {
        (1...700).map { number in
            switch number {
            case 57, 401: ""
            case 130, 333, 698: String(repeating: "x", count: 3_000 + number)
            default: "https://spruce.care/\(1_000_000 + number * 7)"
            }
        }
    }

    @Test(
        "the files are byte for byte those of --jobs 1, and failing lines are reported by number, in order",
        arguments: [["-t", "png"], ["-t", "svg"], ["-t", "png", "--foreground", "#1a4d2e", "--dpi", "300"]])
    func sameAsSequential(options: [String]) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data(Self.texts().joined(separator: "\n").utf8).write(to: input)
            let sequentialDirectory = directory.appendingPathComponent("one")
            let parallelDirectory = directory.appendingPathComponent("many")
            let sequential = try await QRCLI.sprucelink(
                ["qr", "--batch", input.path, "--output-dir", sequentialDirectory.path, "--jobs", "1"] + options)
            let parallel = try await QRCLI.sprucelink(
                ["qr", "--batch", input.path, "--output-dir", parallelDirectory.path, "--jobs", "4"] + options)
            #expect(sequential.status == 1 && parallel.status == 1)
            let numbers = parallel.stderrLines.compactMap { line in
                line.firstMatch(of: /line (\d+):/).flatMap { Int($0.1) }
            }
            #expect(numbers == [130, 333, 698])
            #expect(parallel.stderrLines.count == 3)
            #expect(parallel.stderr == sequential.stderr)
            #expect(parallel.stdoutText.replacingOccurrences(of: "/many", with: "/one") == sequential.stdoutText)
            #expect(parallel.stdoutText.hasSuffix("wrote 695 of 698 codes to \(parallelDirectory.path), 3 failed\n"))
            let files = try QRCLI.files(in: parallelDirectory)
            #expect(files == (try QRCLI.files(in: sequentialDirectory)))
            #expect(files.count == 695)
            for file in files {
                let one = try Data(contentsOf: sequentialDirectory.appendingPathComponent(file))
                let many = try Data(contentsOf: parallelDirectory.appendingPathComponent(file))
                #expect(one == many, "\(file) differs")
            }
        }
    }

    @Test("lines end in \\n or \\r\\n (a lone \\r is text), are numbered from 1, and empty ones are skipped")
    func lineEnds() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            let text = "https://spruce.care/1\r\n\r\nhttps://spruce.care/2\rx\n\nhttps://spruce.care/3"
            try Data(text.utf8).write(to: input)
            let output = directory.appendingPathComponent("out")
            let result = try await QRCLI.sprucelink(
                ["qr", "--batch", input.path, "--output-dir", output.path, "-t", "svg", "--jobs", "2"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(try QRCLI.files(in: output) == ["1.svg", "3.svg", "5.svg"])
            for (file, text) in [("1.svg", "https://spruce.care/1"), ("3.svg", "https://spruce.care/2\rx")] {
                let single = directory.appendingPathComponent("single-" + file)
                #expect(try await QRCLI.sprucelink(["qr", text, "-o", single.path]).status == 0)
                #expect(
                    try Data(contentsOf: output.appendingPathComponent(file)) == (try Data(contentsOf: single)),
                    "\(file)")
            }
        }
    }

    @Test("under a umask that strips 0644's bits (077) every file still has mode 0644, as documented")
    func strictUmask() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data("https://spruce.care/1\nhttps://spruce.care/2\n".utf8).write(to: input)
            let output = directory.appendingPathComponent("out")
            let result = try await QRCLI.run(
                "/bin/sh",
                [
                    "-c", "umask 077 && exec \"$0\" qr --batch \"$1\" --output-dir \"$2\"", try QRCLI.binary(),
                    input.path,
                    output.path,
                ])
            #expect(result.status == 0, "\(result.stderr)")
            for file in try QRCLI.files(in: output) {
                let path = output.appendingPathComponent(file).path
                #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o644)
            }
            #expect(try QRCLI.files(in: output).count == 2)
        }
    }

    @Test(
        "a file that cannot be written fails its line by number, on every core as on one; the others are written",
        arguments: ["1", "4"])
    func writeFailure(jobs: String) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data((1...200).map { "https://spruce.care/\(2_000_000 + $0)" }.joined(separator: "\n").utf8)
                .write(to: input)
            let output = directory.appendingPathComponent("out")
            let blocker = output.appendingPathComponent("150.png")
            try FileManager.default.createDirectory(at: blocker, withIntermediateDirectories: true)
            let result = try await QRCLI.sprucelink(
                ["qr", "--batch", input.path, "--output-dir", output.path, "--jobs", jobs])
            #expect(result.status == 1)
            #expect(result.stderrLines.count == 1)
            #expect(
                result.stderr.contains("line 150: --output-dir '\(blocker.path)' cannot be written: Is a directory"))
            #expect(result.stdoutText.hasSuffix("wrote 199 of 200 codes to \(output.path), 1 failed\n"))
            let files = try QRCLI.files(in: output)
            #expect(files.count == 200)
            #expect(!files.contains { $0.hasPrefix(".") })
        }
    }

    @Test("on a terminal the progress bar counts up to every line, in steps, never backwards")
    func progress() async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data(Self.texts().joined(separator: "\n").utf8).write(to: input)
            let command = try [
                QRCLI.binary(), "qr", "--batch", input.path, "--output-dir", directory.path, "--jobs", "3",
            ]
            .map { "'" + $0 + "'" }.joined(separator: " ")
            let result = try await QRCLI.run("/usr/bin/env", ["script", "-qec", command, "/dev/null"])
            #expect(result.status == 1)
            let counts = result.stdoutText.matches(of: /\] (\d+)\/698/).compactMap { Int($0.1) }
            #expect(counts.count > 1)
            #expect(counts == counts.sorted())
            #expect(counts.last == 698)
            #expect(result.stdoutText.contains("line 333:"))
        }
    }

    @Test(
        "a bad --jobs is one line and exit 64",
        arguments: [
            (["--jobs", "0"], "--jobs must be a whole number from 1 to 256, got '0'"),
            (["--jobs", "many"], "--jobs must be a whole number from 1 to 256, got 'many'"),
            (["--jobs", "257"], "--jobs must be a whole number from 1 to 256, got '257'"),
        ])
    func badJobs(arguments: [String], message: String) async throws {
        try await QRCLI.withTemporaryDirectory { directory in
            let input = directory.appendingPathComponent("texts.txt")
            try Data("one\n".utf8).write(to: input)
            let result = try await QRCLI.sprucelink(
                ["qr", "--batch", input.path, "--output-dir", directory.path] + arguments)
            #expect(result.status == 64)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains(message))
        }
        let alone = try await QRCLI.sprucelink(["qr", "text", "--jobs", "2"])
        #expect(alone.status == 64)
        #expect(alone.stderr.contains("--jobs only applies to --batch"))
    }
}
