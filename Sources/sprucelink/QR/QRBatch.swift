import Foundation
import SpruceQR

/// `sprucelink qr --batch FILE --output-dir DIR`: one code per non-empty line, named by line number.
struct QRBatch {
    var settings: QRSettings
    var file: String
    var directory: String

    /// Writes every code; returns how many lines failed. Throws only when nothing can be done at all.
    func run() throws -> Int {
        let contents: String
        do {
            contents = try String(contentsOfFile: file, encoding: .utf8)
        } catch {
            throw QRUsageError(description: "--batch '\(file)' cannot be read: \(QRFiles.reason(error))")
        }
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw QRUsageError(description: "--output-dir '\(directory)' cannot be created: \(QRFiles.reason(error))")
        }
        let type = settings.type ?? .png
        // "\r\n" is one Character in Swift, so split on both line ends.
        var lines = contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
            .map(String.init)
        if lines.last == "" { lines.removeLast() }
        let jobs = lines.enumerated().compactMap { index, text -> (number: Int, text: String)? in
            text.isEmpty ? nil : (index + 1, text)
        }
        let progress = QRConsole.stderrIsTerminal
        var written = 0
        var failed = 0
        for (done, job) in jobs.enumerated() {
            let path = (directory as NSString).appendingPathComponent("\(job.number).\(type.rawValue)")
            do {
                let code = try QRCode(text: job.text, options: settings.encoding)
                try QRFiles.writeAtomically(try settings.bytes(for: code, type: type), to: path, option: "--output-dir")
                written += 1
            } catch {
                failed += 1
                if progress { QRConsole.stderr("\r\u{1B}[K") }
                QRConsole.error("line \(job.number): \(error)")
            }
            if progress { Self.drawProgress(done: done + 1, total: jobs.count) }
        }
        if progress { QRConsole.stderr("\r\u{1B}[K") }
        let summary =
            "wrote \(written) of \(jobs.count) codes to \(directory)" + (failed > 0 ? ", \(failed) failed" : "")
        print(summary)
        return failed
    }

    private static func drawProgress(done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        QRConsole.stderr("\r[\(bar)] \(done)/\(total)")
    }
}
