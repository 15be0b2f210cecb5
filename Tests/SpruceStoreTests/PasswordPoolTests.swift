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
        let names = try await pool.run { Thread.current.name ?? "" }
        #expect(names.hasPrefix("sprucelink.passwords."))
    }

    @Test("an error thrown by a job reaches its caller")
    func errors() async {
        struct Refused: Error {}
        let pool = PasswordPool(threads: 1)
        await #expect(throws: Refused.self) { try await pool.run { throw Refused() } }
    }

    #if canImport(Glibc)
    @Test("hashing threads run below the serving threads' priority, and only they do")
    func priority() async throws {
        let pool = PasswordPool(threads: 1)
        let niceness: @Sendable () -> Int32 = {
            getpriority(__priority_which_t(PRIO_PROCESS.rawValue), PasswordPool.currentThreadID() ?? 0)
        }
        let serving = niceness()
        let hashing = try await pool.run { niceness() }
        #expect(hashing == min(19, serving + PasswordPool.nicenessIncrement))
        #expect(niceness() == serving)
    }
    #endif
}
