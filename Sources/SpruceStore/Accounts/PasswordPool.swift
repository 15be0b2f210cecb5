import Dispatch
import Foundation
import SpruceCore
import Synchronization

/// Where password hashing runs: a few dedicated serial queues, never the threads that serve pages or run Swift
/// tasks. scrypt at N = 2^15 takes tens of milliseconds of CPU and 32 MiB of memory per call; run inline, a burst
/// of logins would occupy every cooperative thread and stall every other request. Here at most `threads` hashes
/// run at once, and callers wait without holding a thread.
final class PasswordPool: Sendable {
    private let queues: [DispatchQueue]
    private let next = Atomic<UInt>(0)

    /// Threads for hashing unless configured: half the processors, at least one.
    static var defaultThreads: Int { max(1, ProcessInfo.processInfo.activeProcessorCount / 2) }

    init(threads: Int) {
        queues = (0..<max(1, threads)).map { DispatchQueue(label: "sprucelink.passwords.\($0)", qos: .userInitiated) }
    }

    var threads: Int { queues.count }

    /// Runs `work` on one of the pool's queues and returns its result.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        let index = Int(next.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(queues.count))
        return try await withCheckedThrowingContinuation { continuation in
            queues[index].async { continuation.resume(with: Result { try work() }) }
        }
    }

    func hash(_ password: String, with hasher: PasswordHasher) async throws -> String {
        try await run { try hasher.hash(password) }
    }
}
