import Foundation
import SpruceCore
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
        let jobs = Self.lines(of: contents)
        let output: AtomicDirectory
        do {
            output = try AtomicDirectory(path: directory)
        } catch {
            guard case .writeFailed(_, let reason) = error else { throw error }
            throw QRUsageError(description: "--output-dir '\(directory)' cannot be opened: \(reason)")
        }
        let progress = QRConsole.stderrIsTerminal
        var written = 0
        var failed = 0
        var shown = 0
        // The threads take lines one at a time as they finish the last, with no pause between groups of lines;
        // this thread reports each line once every line before it is done, so the failures come in line order
        // and the progress bar counts the lines done from the first on, as a one-thread run's would.
        render(jobs, type: type, into: output) { done, failures in
            for (offset, failure) in failures.enumerated() {
                if let failure {
                    failed += 1
                    if progress { QRConsole.stderr("\r\u{1B}[K") }
                    QRConsole.error("line \(jobs[done - failures.count + offset].number): \(failure)")
                } else {
                    written += 1
                }
            }
            if progress, done == jobs.count || done - shown >= Self.progressStep {
                shown = done
                Self.drawProgress(done: done, total: jobs.count)
            }
        }
        if progress { QRConsole.stderr("\r\u{1B}[K") }
        let summary =
            "wrote \(written) of \(jobs.count) codes to \(directory)" + (failed > 0 ? ", \(failed) failed" : "")
        print(summary)
        return failed
    }

    /// The non-empty lines of `contents` with their numbers (from 1), split on "\n" and "\r\n" by bytes (a line
    /// break is never part of a larger character, so this splits where splitting by characters would).
    static func lines(of contents: String) -> [(number: Int, text: String)] {
        var jobs: [(number: Int, text: String)] = []
        var contents = contents
        contents.withUTF8 { bytes in
            var number = 0
            var start = 0
            while start < bytes.count {
                number += 1
                var end = start
                while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
                let next = end + 1
                if end < bytes.count, end > start, bytes[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                if end > start {
                    let text = UnsafeBufferPointer(rebasing: bytes[start..<end])
                    jobs.append((number, String(decoding: text, as: UTF8.self)))
                }
                start = next
            }
        }
        return jobs
    }

    /// Lines between two redraws of the progress bar.
    static let progressStep = 64

    /// Renders and writes `jobs` on up to ``workers`` threads. `report` runs on the calling thread with the number
    /// of lines done from the first on and the error messages (or `nil`) of the lines that count added, in order.
    private func render(
        _ jobs: [(number: Int, text: String)],
        type: QROutputType,
        into output: AtomicDirectory,
        report: (_ done: Int, _ failures: ArraySlice<String?>) -> Void
    ) {
        guard workers > 1, jobs.count > 1 else {
            for (index, job) in jobs.enumerated() {
                report(index + 1, [write(job, type: type, into: output)])
            }
            return
        }
        let board = BatchBoard(count: jobs.count)
        let threads = min(workers, jobs.count)
        WorkerThreads.start(threads) {
            while let index = board.take() {
                board.finish(index, write(jobs[index], type: type, into: output))
            }
        }
        var done = 0
        while done < jobs.count {
            let (ready, failures) = board.wait(after: done, step: Self.progressStep)
            report(ready, failures[...])
            done = ready
        }
    }

    /// Encodes one line and writes its file; returns the error message, or `nil` when the file was written.
    private func write(_ job: (number: Int, text: String), type: QROutputType, into output: AtomicDirectory) -> String?
    {
        let bytes: [UInt8]
        do {
            bytes = try settings.bytes(for: try QRCode(text: job.text, options: settings.encoding), type: type)
        } catch {
            return "\(error)"
        }
        do {
            try output.write(bytes, name: "\(job.number).\(type.rawValue)")
        } catch {
            guard case .writeFailed(let path, let reason) = error else { return "\(error)" }
            return "--output-dir '\(path)' cannot be written: \(reason)"
        }
        return nil
    }

    private static func drawProgress(done: Int, total: Int) {
        let width = 30
        let filled = total > 0 ? done * width / total : width
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        QRConsole.stderr("\r[\(bar)] \(done)/\(total)")
    }
}

/// The lines of a parallel batch: the next one to take, and each one's result once written.
private final class BatchBoard: Sendable {
    private struct State {
        /// Each line's error message, `.some(nil)` once written, `nil` while not done.
        var results: [String??]
        /// Lines done from the first on.
        var done = 0
        /// The reporter is woken once `done` reaches this.
        var goal = Int.max
    }

    let count: Int
    private let next = Atomic(0)
    private let state: Mutex<State>
    private let wake = DispatchSemaphore(value: 0)

    init(count: Int) {
        self.count = count
        state = Mutex(State(results: Array(repeating: nil, count: count)))
    }

    /// The index of a line no thread has taken yet, or `nil` when every line is taken.
    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    /// Records line `index`'s outcome.
    func finish(_ index: Int, _ failure: String?) {
        let reached = state.withLock { state in
            state.results[index] = .some(failure)
            guard index == state.done else { return false }
            while state.done < count, state.results[state.done] != nil { state.done += 1 }
            guard state.done >= state.goal else { return false }
            state.goal = .max
            return true
        }
        if reached { wake.signal() }
    }

    /// Waits until `step` more lines (or every line) after the first `done` are done; returns how many are done
    /// from the first on and the error messages of the lines after `done`, in order.
    func wait(after done: Int, step: Int) -> (done: Int, failures: [String?]) {
        let goal = min(done + step, count)
        let ready = state.withLock { state in
            guard state.done < goal else { return true }
            state.goal = goal
            return false
        }
        if !ready { wake.wait() }
        return state.withLock { state in (state.done, state.results[done..<state.done].map { $0 ?? nil }) }
    }
}
