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
    /// has returned.
    public static func run(_ count: Int, _ body: @Sendable () -> Void) {
        guard count > 1 else {
            if count == 1 { body() }
            return
        }
        // `body` does not outlive this call: every thread has signalled before it returns.
        withoutActuallyEscaping(body) { body in
            let finished = DispatchSemaphore(value: 0)
            start(count - 1) {
                body()
                finished.signal()
            }
            body()
            for _ in 1..<count { finished.wait() }
        }
    }
}
