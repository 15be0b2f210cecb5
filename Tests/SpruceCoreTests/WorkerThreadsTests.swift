import Foundation
import SpruceCore
import Synchronization
import Testing

@Suite("Worker threads")
struct WorkerThreadsTests {
    /// Every body waits for all the others to have started. Dispatch's `concurrentPerform` on Linux started a
    /// second worker only on its pool's one-second tick, so this test failed with it.
    @Test("every thread runs at the same time, started when asked", arguments: [2, 3, 8])
    func allAtOnce(count: Int) {
        let arrived = Atomic(0)
        let allArrived = DispatchSemaphore(value: 0)
        let late = Atomic(0)
        WorkerThreads.run(count) {
            if arrived.add(1, ordering: .sequentiallyConsistent).newValue == count {
                for _ in 0..<count { allArrived.signal() }
            }
            if allArrived.wait(timeout: .now() + .milliseconds(500)) == .timedOut {
                late.add(1, ordering: .relaxed)
            }
        }
        #expect(arrived.load(ordering: .sequentiallyConsistent) == count)
        #expect(late.load(ordering: .relaxed) == 0, "threads that waited half a second for the others to start")
    }

    @Test("run returns only after every body has returned; one or none runs on the calling thread")
    func waitsForAll() {
        for count in [0, 1, 2, 5] {
            let finished = Atomic(0)
            WorkerThreads.run(count) {
                usleep(20_000)
                finished.add(1, ordering: .relaxed)
            }
            #expect(finished.load(ordering: .relaxed) == count)
        }
    }

    @Test("start returns at once and each thread runs its body once")
    func startsAndReturns() {
        let finished = Atomic(0)
        let done = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        WorkerThreads.start(3) {
            release.wait()
            finished.add(1, ordering: .relaxed)
            done.signal()
        }
        #expect(finished.load(ordering: .relaxed) == 0)
        for _ in 0..<3 { release.signal() }
        for _ in 0..<3 { done.wait() }
        #expect(finished.load(ordering: .relaxed) == 3)
    }
}
