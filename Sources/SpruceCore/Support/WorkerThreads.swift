import Foundation
import Synchronization

/// Threads started for one batch of CPU-bound work, all running at once.
///
/// Dispatch's `concurrentPerform` would be the library answer, but on Linux its pool grows only on a one-second
/// monitor tick: a batch of about a second (10 000 QR codes) ran on one core while the second worker waited to be
/// started. Threads of our own start when asked.
public enum WorkerThreads {
    /// Starts `count` threads that each run `body` once, and returns at once.
    public static func start(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        for _ in 0..<count { Thread(block: body).start() }
    }

    /// Runs `body` once on each of `count` threads (this one and `count - 1` new ones) and returns when every one
    /// has returned. `body` escapes: each new thread keeps it until it ends, which may be after this returns.
    public static func run(_ count: Int, _ body: @escaping @Sendable () -> Void) {
        guard count > 1 else {
            if count == 1 { body() }
            return
        }
        let finished = DispatchSemaphore(value: 0)
        start(count - 1) {
            body()
            finished.signal()
        }
        body()
        for _ in 1..<count { finished.wait() }
    }

    /// `transform` of every index below `count`, in order, computed on up to `threads` threads that each take the
    /// next index as soon as they are done with their last.
    public static func map<Value: Sendable>(
        _ count: Int, threads: Int, _ transform: @escaping @Sendable (Int) -> Value
    ) -> [Value] {
        let work = IndexedWork<Value>(count: count)
        run(min(threads, count)) {
            while let index = work.take() { work.store(transform(index), at: index) }
        }
        return work.results()
    }
}

/// The indexes of a ``WorkerThreads/map(_:threads:_:)`` still to take, and the values of those done.
private final class IndexedWork<Value: Sendable>: Sendable {
    private let count: Int
    private let next = Atomic(0)
    private let values: Mutex<[Value?]>

    init(count: Int) {
        self.count = count
        values = Mutex(Array(repeating: nil, count: count))
    }

    func take() -> Int? {
        let index = next.add(1, ordering: .relaxed).oldValue
        return index < count ? index : nil
    }

    func store(_ value: Value, at index: Int) {
        values.withLock { $0[index] = value }
    }

    /// Every value, once every index is done.
    func results() -> [Value] {
        values.withLock { $0.compactMap { $0 } }
    }
}
