import Foundation
import Synchronization

#if DEBUG
    /// Test hook: with `SPRUCELINK_TEST_CRASH_AFTER=N` in the environment, the process kills itself with SIGKILL right
    /// after the Nth message is delivered and before the store marks it: the worst moment for a crash. Tests use it
    /// to prove that a re-run delivers everyone exactly once. In `invite batch` the kill lands mid-chunk: the chunk's
    /// invitations are recorded and its messages spooled, some delivered, none of its deliveries flushed or marked.
    /// Compiled into debug builds only: a release build ignores the variable.
    enum CrashHook {
        static func fromEnvironment() -> (@Sendable () -> Void)? {
            guard let text = ProcessInfo.processInfo.environment["SPRUCELINK_TEST_CRASH_AFTER"], let limit = Int(text),
                limit > 0
            else { return nil }
            let counter = CrashCounter(limit: limit)
            return { counter.tick() }
        }

        final class CrashCounter: Sendable {
            let count = Atomic<Int>(0)
            let limit: Int
            init(limit: Int) { self.limit = limit }
            func tick() {
                if count.add(1, ordering: .relaxed).newValue >= limit { kill(getpid(), SIGKILL) }
            }
        }
    }
#endif
