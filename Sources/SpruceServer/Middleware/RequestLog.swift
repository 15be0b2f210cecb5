import Dispatch
import Foundation
import HTTPTypes
import Logging
import Metrics
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The request log: one line per request, formatted and written by a dedicated thread so that an event loop only
/// appends a small entry to a bounded queue.
///
/// The writer takes every waiting entry at once, formats them into one reused buffer and hands the buffer to the
/// sink in one write. When the sink cannot keep up and the queue is full, new entries are dropped rather than
/// making requests wait: each drop is counted (``droppedCount`` and the `sprucelink_request_log_dropped_total`
/// metric) and the writer reports them in a warning line. ``finish()`` writes everything still queued.
///
/// Lines have the fields of the request line before it moved here: method, route template, status, duration,
/// client address and, for routed requests, Hummingbird's request id; as one JSON object per line (sorted keys,
/// like ``JSONLogHandler``) or in swift-log's `StreamLogHandler` text layout.
public final class RequestLog: Sendable {
    /// How lines are laid out.
    public enum Format: String, Sendable, CaseIterable {
        case json, text
    }

    /// What the log writes, where and how much it may hold.
    public struct Settings: Sendable {
        public var format: Format
        /// The logger label each line carries.
        public var label: String
        /// Entries waiting for the writer at most; more are dropped and counted.
        public var capacity: Int
        /// How long the writer lets entries gather after waking and after each write, so that a busy server writes
        /// in batches (at most one write per interval) and its event loops seldom need to wake the writer.
        public var gathering: Duration

        public init(
            format: Format = .json, label: String = "sprucelink.server", capacity: Int = 65_536,
            gathering: Duration = .milliseconds(2)
        ) {
            self.format = format
            self.label = label
            self.capacity = capacity
            self.gathering = gathering
        }
    }

    /// One request, as the event loop hands it over: nothing is formatted yet.
    struct Entry: Sendable {
        var time: WallTime
        var method: HTTPRequest.Method
        var route: String?
        var status: Int
        var duration: Duration
        var client: String
        var requestID: Logger.MetadataValue?
    }

    private struct State {
        var pending: [Entry] = []
        var writerIsIdle = false
        var writerIsRunning = false
        var isClosed = false
        var waitingForFinish: [CheckedContinuation<Void, Never>] = []
        var hasFinished = false
    }

    let settings: Settings
    private let sink: any RequestLogSink
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let dropped = Atomic<Int>(0)
    private let written = Atomic<Int>(0)
    private let droppedMetric = Counter(label: "sprucelink_request_log_dropped_total")

    /// Creates a request log writing to `sink` (standard error by default). The writer thread starts with the
    /// first line.
    public init(settings: Settings = Settings(), sink: any RequestLogSink = FileDescriptorSink.standardError) {
        self.settings = settings
        self.sink = sink
    }

    /// Lines dropped because the queue was full.
    public var droppedCount: Int { dropped.load(ordering: .relaxed) }
    /// Lines handed to the sink.
    public var writtenCount: Int { written.load(ordering: .relaxed) }

    /// Queues the line of one request; never waits for the disk.
    func record(
        method: HTTPRequest.Method, route: String?, status: HTTPResponse.Status, elapsed: Duration, client: String,
        requestID: Logger.MetadataValue? = nil
    ) {
        let entry = Entry(
            time: WallTime.now(), method: method, route: route, status: status.code, duration: elapsed,
            client: client, requestID: requestID)
        enum Action { case none, wake, start, drop }
        let action: Action = state.withLock { state in
            guard !state.isClosed, state.pending.count < settings.capacity else { return .drop }
            state.pending.append(entry)
            if !state.writerIsRunning {
                state.writerIsRunning = true
                return .start
            }
            if state.writerIsIdle {
                state.writerIsIdle = false
                return .wake
            }
            return .none
        }
        switch action {
        case .none: break
        case .wake: wakeUp.signal()
        case .start: startWriter()
        case .drop:
            dropped.add(1, ordering: .relaxed)
            droppedMetric.increment()
        }
    }

    /// Writes every queued line, stops the writer and returns when the last byte was handed to the sink. Lines
    /// recorded afterwards are dropped.
    public func finish() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enum Action { case resume, wait, wake }
            let action: Action = state.withLock { state in
                state.isClosed = true
                if state.hasFinished || !state.writerIsRunning {
                    state.hasFinished = true
                    return .resume
                }
                state.waitingForFinish.append(continuation)
                if state.writerIsIdle {
                    state.writerIsIdle = false
                    return .wake
                }
                return .wait
            }
            switch action {
            case .resume: continuation.resume()
            case .wake: wakeUp.signal()
            case .wait: break
            }
        }
    }

    private func startWriter() {
        let thread = Thread { [self] in runWriter() }
        thread.name = "request-log"
        thread.start()
    }

    /// The writer thread: takes the whole queue, formats it into one reused buffer, writes it, and sleeps when
    /// nothing waits.
    private func runWriter() {
        var batch: [Entry] = []
        var formatter = RequestLogFormatter(format: settings.format, label: settings.label)
        var output: [UInt8] = []
        output.reserveCapacity(64 * 1024)
        var reportedDrops = 0
        while true {
            let closing: Bool = state.withLock { state in
                swap(&batch, &state.pending)
                if batch.isEmpty && !state.isClosed { state.writerIsIdle = true }
                return state.isClosed
            }
            if batch.isEmpty {
                let drops = dropped.load(ordering: .relaxed)
                if drops > reportedDrops {
                    output.removeAll(keepingCapacity: true)
                    formatter.appendDropWarning(drops - reportedDrops, at: WallTime.now(), to: &output)
                    reportedDrops = drops
                    output.withUnsafeBytes { sink.write($0) }
                }
                if closing { break }
                wakeUp.wait()
                if settings.gathering > .zero { Thread.sleep(forTimeInterval: settings.gathering.timeInterval) }
                continue
            }
            output.removeAll(keepingCapacity: true)
            for entry in batch { formatter.append(entry, to: &output) }
            let drops = dropped.load(ordering: .relaxed)
            if drops > reportedDrops {
                formatter.appendDropWarning(drops - reportedDrops, at: WallTime.now(), to: &output)
                reportedDrops = drops
            }
            output.withUnsafeBytes { sink.write($0) }
            written.add(batch.count, ordering: .relaxed)
            batch.removeAll(keepingCapacity: true)
            // Lines that came while this batch was written wait for the next one rather than making one write each.
            if !closing && settings.gathering > .zero { Thread.sleep(forTimeInterval: settings.gathering.timeInterval) }
        }
        let waiting: [CheckedContinuation<Void, Never>] = state.withLock { state in
            state.hasFinished = true
            defer { state.waitingForFinish = [] }
            return state.waitingForFinish
        }
        for continuation in waiting { continuation.resume() }
    }
}

/// Where request lines go: a write that takes the whole batch.
public protocol RequestLogSink: Sendable {
    /// Writes every byte, retrying partial writes; runs on the request log's own thread.
    func write(_ bytes: UnsafeRawBufferPointer)
}

/// Writes to a file descriptor with `write(2)`, retrying partial writes and interruptions.
public struct FileDescriptorSink: RequestLogSink {
    public let descriptor: Int32

    public init(descriptor: Int32) { self.descriptor = descriptor }

    public static let standardError = FileDescriptorSink(descriptor: STDERR_FILENO)

    public func write(_ bytes: UnsafeRawBufferPointer) {
        guard var next = bytes.baseAddress else { return }
        var remaining = bytes.count
        while remaining > 0 {
            #if canImport(Glibc)
                let count = Glibc.write(descriptor, next, remaining)
            #else
                let count = Darwin.write(descriptor, next, remaining)
            #endif
            if count < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            next += count
            remaining -= count
        }
    }
}

extension Duration {
    var timeInterval: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }

    var totalNanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
