import Dispatch
import Foundation
import SpruceCore
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// How the hashing threads are scheduled against the threads that serve requests.
public enum PasswordThreadPriority: Sendable {
    /// Linux's idle policy (or niceness +10 where it is refused): pages go first, and a login waits for a free
    /// processor however long that takes. What a server runs with.
    case belowServing
    /// The serving threads' own policy, for a caller that bounds how long it waits for an answer on a machine
    /// it keeps busy by design: the HTTP tests, whose clients give up after 20 s.
    case sameAsServing
}

/// Where password hashing runs: a few dedicated threads of their own, under Linux's idle scheduling policy, below
/// the threads that serve pages. scrypt at N = 2^15 takes tens of milliseconds of CPU and 32 MiB of memory per call;
/// run inline, a burst of logins would occupy every cooperative thread and stall every other request. Here at most
/// `threads` hashes run at once, callers wait without holding a thread, and when pages and logins compete for the
/// processors the pages go first (`Benchmarks/run-logins.sh` measures the profile page's p99 under 20 concurrent
/// logins): logins slow down under load rather than pages, and on a machine kept fully busy they wait for it
/// (under the whole test suite on two cores, a scrypt of N = 16 once took 44 s from start to end).
final class PasswordPool: Sendable {
    /// The hashing threads' name (at most 15 bytes, Linux's limit).
    static let threadName = "sprucelink-pw"

    /// Linux's `SCHED_IDLE` (sched(7)), which Glibc's Swift module leaves out with the rest of `_GNU_SOURCE`.
    static let idlePolicy: Int32 = 5

    /// How much nicer than the serving threads the hashing threads run if `SCHED_IDLE` is refused (19 at most).
    static let nicenessIncrement: Int32 = 10

    private let workers: [Worker]
    private let next = Atomic<UInt>(0)

    /// Threads for hashing unless configured: half the processors, at least one.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    init(threads: Int, priority: PasswordThreadPriority = .belowServing) {
        workers = (0..<max(1, threads)).map { _ in Worker(priority: priority) }
    }

    deinit {
        for worker in workers { worker.stop() }
    }

    var threads: Int { workers.count }

    /// Runs `work` on one of the pool's threads and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let index = Int(next.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(workers.count))
        return try await withCheckedThrowingContinuation { continuation in
            workers[index].submit { continuation.resume(with: Result { try work() }) }
        }
    }

    func hash(_ password: String, with hasher: PasswordHasher) async throws -> String {
        try await run { try hasher.hash(password) }
    }

    /// One thread taking jobs in order until stopped; the thread holds its worker until then.
    private final class Worker: Sendable {
        private let jobs = Mutex<[(@Sendable () -> Void)?]>([])
        private let waiting = DispatchSemaphore(value: 0)

        init(priority: PasswordThreadPriority) {
            let thread = Thread { [self] in
                Worker.name()
                if priority == .belowServing { Worker.lowerPriority() }
                while true {
                    waiting.wait()
                    guard let job = jobs.withLock({ $0.removeFirst() }) else { return }
                    job()
                }
            }
            thread.start()
        }

        func submit(_ job: @escaping @Sendable () -> Void) {
            jobs.withLock { $0.append(job) }
            waiting.signal()
        }

        /// Ends the thread once the jobs already submitted have run.
        func stop() {
            jobs.withLock { $0.append(nil) }
            waiting.signal()
        }

        /// Names the calling thread `sprucelink-pw`, as `top -H` and `perf` show it.
        private static func name() {
            // `pthread_setname_np` is not exported to Swift; the kernel takes the name from this file too.
            try? PasswordPool.threadName.write(toFile: "/proc/thread-self/comm", atomically: false, encoding: .utf8)
        }

        /// Moves the calling thread to Linux's `SCHED_IDLE` policy: a serving thread that wakes takes the processor
        /// from it at once, where at any niceness the scheduler lets the running thread finish its slice first
        /// (about 2 ms here, which alone put the profile page's p99 at 4–5× under 20 logins;
        /// `Benchmarks/run-logins.sh`). Should the policy be refused, the thread runs ``nicenessIncrement`` nicer.
        private static func lowerPriority() {
            #if canImport(Glibc)
                guard let thread = PasswordPool.currentThreadID() else { return }
                var parameters = sched_param(sched_priority: 0)
                if sched_setscheduler(pid_t(thread), PasswordPool.idlePolicy, &parameters) == 0 { return }
                let current = getpriority(__priority_which_t(PRIO_PROCESS.rawValue), thread)
                _ = setpriority(
                    __priority_which_t(PRIO_PROCESS.rawValue), thread, min(19, current + PasswordPool.nicenessIncrement)
                )
            #endif
        }
    }

    /// The kernel's id of the calling thread (`gettid`, which Swift's Glibc module does not export), read from
    /// `/proc/thread-self`, a link to `<pid>/task/<tid>`.
    static func currentThreadID() -> id_t? {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self") else {
            return nil
        }
        return target.split(separator: "/").last.flatMap { id_t($0) }
    }
}
