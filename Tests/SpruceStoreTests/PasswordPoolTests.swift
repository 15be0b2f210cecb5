import Foundation
import Testing

@testable import SpruceStore

#if canImport(Glibc)
    import Glibc
#endif

@Suite("Password pool")
struct PasswordPoolTests {
    @Test("jobs run in order on the pool's own threads, and every caller gets its own result")
    func results() async throws {
        let pool = PasswordPool(threads: 2)
        let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            for index in 0..<50 { group.addTask { (index, try await pool.run { index * index }) } }
            return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { $0.value == $0.key * $0.key })
        let single = PasswordPool(threads: 1)
        var threads: Set<id_t> = []
        for _ in 0..<10 { threads.insert(try #require(try await single.run { PasswordPool.currentThreadID() })) }
        #expect(threads.count == 1)
        #expect(threads.first != PasswordPool.currentThreadID())
        let name = try await single.run { try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
        #expect(name == PasswordPool.threadName + "\n")
    }

    @Test("an error thrown by a job reaches its caller")
    func errors() async {
        struct Refused: Error {}
        let pool = PasswordPool(threads: 1)
        await #expect(throws: Refused.self) { try await pool.run { throw Refused() } }
    }

    #if canImport(Glibc)
        @Test("hashing threads run under the idle scheduling policy, and only they do, unless asked to run alike")
        func priority() async throws {
            let pool = PasswordPool(threads: 1)
            let policy: @Sendable () -> Int32 = { sched_getscheduler(pid_t(PasswordPool.currentThreadID() ?? 0)) }
            let serving = policy()
            #expect(try await pool.run { policy() } == PasswordPool.idlePolicy)
            #expect(policy() == serving)
            #expect(serving != PasswordPool.idlePolicy)
            let alike = PasswordPool(threads: 1, priority: .sameAsServing)
            #expect(try await alike.run { policy() } == serving)
            #expect(
                try await alike.run { try String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
                    == PasswordPool.threadName + "\n")
        }
    #endif
}
