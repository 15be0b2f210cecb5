import Foundation
import SpruceCore
import Synchronization
import Testing

@Suite("Worker threads")
struct WorkerThreadsTests {
    /// Counters the threads share.
    final class Tally: Sendable {
        let arrived = Atomic(0)
        let late = Atomic(0)
        let finished = Atomic(0)
        let allArrived = DispatchSemaphore(value: 0)
    }

    /// Every body waits for all the others to have started. Dispatch's `concurrentPerform` on Linux started a
    /// second worker only on its pool's one-second tick, so this test failed with it.
    @Test("every thread runs at the same time, started when asked", arguments: [2, 3, 8])
    func allAtOnce(count: Int) {
        let tally = Tally()
        WorkerThreads.run(count) {
            if tally.arrived.add(1, ordering: .sequentiallyConsistent).newValue == count {
                for _ in 0..<count { tally.allArrived.signal() }
            }
            if tally.allArrived.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
                tally.late.add(1, ordering: .relaxed)
            }
        }
        #expect(tally.arrived.load(ordering: .sequentiallyConsistent) == count)
        #expect(tally.late.load(ordering: .relaxed) == 0, "threads that waited half a second for the others to start")
    }

    @Test("run returns only after every body has returned; one or none runs on the calling thread")
    func waitsForAll() {
        for count in [0, 1, 2, 5] {
            let tally = Tally()
            WorkerThreads.run(count) {
                usleep(20_000)
                tally.finished.add(1, ordering: .relaxed)
            }
            #expect(tally.finished.load(ordering: .relaxed) == count)
        }
    }

    @Test("start returns at once and each thread runs its body once")
    func startsAndReturns() {
        let tally = Tally()
        let done = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        WorkerThreads.start(3) {
            release.wait()
            tally.finished.add(1, ordering: .relaxed)
            done.signal()
        }
        #expect(tally.finished.load(ordering: .relaxed) == 0)
        for _ in 0..<3 { release.signal() }
        for _ in 0..<3 { done.wait() }
        #expect(tally.finished.load(ordering: .relaxed) == 3)
    }

    @Test(
        "map gives every index's value in order, each computed once, with more or fewer threads than items",
        arguments: [(0, 4), (1, 4), (7, 1), (7, 3), (1_000, 2), (50, 64)])
    func mapInOrder(count: Int, threads: Int) {
        let tally = Tally()
        let values = WorkerThreads.map(count, threads: threads) { index in
            tally.finished.add(1, ordering: .relaxed)
            return index * index
        }
        #expect(values == (0..<count).map { $0 * $0 })
        #expect(tally.finished.load(ordering: .relaxed) == count)
    }
}
