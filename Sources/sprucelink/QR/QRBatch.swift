import Foundation
import SpruceQR
import Synchronization

/// `sprucelink qr --batch FILE --output-dir DIR`: one code per non-empty line, named by line number.
struct QRBatch {
    var settings: QRSettings
    var file: String
    var directory: String
    /// Threads that render at once: every core by default.
    var workers = ProcessInfo.processInfo.activeProcessorCount

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
        // Windows of jobs render on every core at once; between windows, this thread reports the window's failures
        // in line order and moves the progress bar, so output and messages come out as a sequential run's would.
        let window = max(1, workers) * Self.jobsPerWorker
        for start in stride(from: 0, to: jobs.count, by: window) {
            let slice = jobs[start..<min(start + window, jobs.count)]
            let failures = render(slice, type: type)
            for (offset, job) in slice.enumerated() {
                if let failure = failures[offset] {
                    failed += 1
                    if progress { QRConsole.stderr("\r\u{1B}[K") }
                    QRConsole.error("line \(job.number): \(failure)")
                } else {
                    written += 1
                }
            }
            if progress { Self.drawProgress(done: slice.endIndex, total: jobs.count) }
        }
        if progress { QRConsole.stderr("\r\u{1B}[K") }
        let summary =
            "wrote \(written) of \(jobs.count) codes to \(directory)" + (failed > 0 ? ", \(failed) failed" : "")
        print(summary)
        return failed
    }

    /// Jobs each worker gets per window: enough that waiting for the slowest one at the window's end costs little.
    static let jobsPerWorker = 64

    /// Renders and writes `jobs` on up to ``workers`` threads; returns each job's error message, or `nil`, in order.
    private func render(_ jobs: ArraySlice<(number: Int, text: String)>, type: QROutputType) -> [String?] {
        let first = jobs.startIndex
        guard workers > 1 else { return jobs.map { write($0, type: type) } }
        let failures = Mutex([String?](repeating: nil, count: jobs.count))
        let next = Atomic(0)
        DispatchQueue.concurrentPerform(iterations: min(workers, jobs.count)) { _ in
            while case let offset = next.add(1, ordering: .relaxed).oldValue, offset < jobs.count {
                if let failure = write(jobs[first + offset], type: type) { failures.withLock { $0[offset] = failure } }
            }
        }
        return failures.withLock { $0 }
    }

    /// Encodes one line and writes its file; returns the error message, or `nil` when the file was written.
    private func write(_ job: (number: Int, text: String), type: QROutputType) -> String? {
        let path = (directory as NSString).appendingPathComponent("\(job.number).\(type.rawValue)")
        do {
            let code = try QRCode(text: job.text, options: settings.encoding)
            try QRFiles.writeAtomically(try settings.bytes(for: code, type: type), to: path, option: "--output-dir")
            return nil
        } catch {
            return "\(error)"
        }
    }

    private static func drawProgress(done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        QRConsole.stderr("\r[\(bar)] \(done)/\(total)")
    }
}
