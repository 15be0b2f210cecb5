import Foundation
import Logging
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Funnel flush pacing")
struct FunnelPacingTests {
    @Test(
        "a quick flush waits the interval; a long one waits fifty times its length, up to the maximum",
        arguments: [
            (0.0, 1.0), (0.005, 1.0), (0.02, 1.0), (0.03, 1.5), (0.1, 5.0), (0.5, 25.0), (0.6, 30.0), (12.0, 30.0),
        ])
    func delay(_ estimate: Double, _ expected: Double) {
        let settings = FunnelSettings()
        #expect(abs(settings.flushDelay(estimatedFlush: estimate) - expected) < 1e-9)
    }

    @Test("the maximum is never below the interval")
    func maximum() {
        let settings = FunnelSettings(flushInterval: 60, maximumFlushInterval: 30)
        #expect(settings.maximumFlushInterval == 60)
        #expect(settings.flushDelay(estimatedFlush: 0) == 60)
    }

    /// Looks at `pending` at each of `times` and says at which the flusher would flush (the counts then flushed).
    static func flushes(_ pacing: inout FunnelPacing, pending: Int, at times: [Double], took: Double) -> [Double] {
        var flushed: [Double] = []
        for time in times where pacing.isDue(pending: pending, now: time) {
            flushed.append(time)
            pacing.flushed(linkDays: pending, took: took)
        }
        return flushed
    }

    @Test("before any large flush, counts are flushed at the first look that sees them, as every second")
    func firstLook() {
        var pacing = FunnelPacing(FunnelSettings())
        #expect(Self.flushes(&pacing, pending: 0, at: [1], took: 0).isEmpty)
        #expect(Self.flushes(&pacing, pending: 10, at: [2], took: 0.5) == [2])
        #expect(pacing.secondsPerLinkDay == 0, "a small flush teaches nothing")
        #expect(Self.flushes(&pacing, pending: 50_000, at: [3], took: 0.2) == [3])
    }

    @Test("once a large flush is known, a burst's counts wait until flushing them takes 2 % of the wait")
    func burst() {
        var pacing = FunnelPacing(FunnelSettings())
        pacing.flushed(linkDays: 100_000, took: 0.4)  // 4 µs a link and day
        // 100 000 links and days waiting would take 0.4 s to flush: they wait 20 s, counted from the look before.
        let flushed = Self.flushes(&pacing, pending: 100_000, at: (1...45).map(Double.init), took: 0.4)
        #expect(flushed == [20, 40])
        // A handful waits one interval, as before.
        let handful = pacing.isDue(pending: 100, now: 46)
        #expect(handful)
    }

    @Test("however costly the flush, no count waits longer than the maximum")
    func cap() {
        var pacing = FunnelPacing(FunnelSettings())
        pacing.flushed(linkDays: 1_000, took: 10)
        let flushed = Self.flushes(&pacing, pending: 1_000_000, at: (100...200).map(Double.init), took: 10)
        #expect(flushed == [129, 159, 189])
    }

    @Test("when nothing is counted, the wait starts over")
    func pause() {
        var pacing = FunnelPacing(FunnelSettings())
        pacing.flushed(linkDays: 100_000, took: 0.4)
        let looks = [(100_000, 1.0), (0, 2.0), (100_000, 3.0)].map { pending, now in
            (pacing.isDue(pending: pending, now: now), pacing.pendingSince)
        }
        #expect(looks.map(\.0) == [false, false, false])
        #expect(looks.map(\.1) == [1, nil, 3])
    }
}

@Suite("Funnel recorder")
struct FunnelRecorderTests {
    @Test("the counts of a failed write still wait for a flush, with nothing new counted")
    func failedWriteWaits() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("funnel-\(UUID().uuidString).sqlite")
        defer { try? FileManager.default.removeItem(at: path) }
        let store = try await SpruceStore.open(.sqlite(path: path.path), settings: StoreSettings(signingKey: .random()))
        let recorder = FunnelRecorder(
            store: store, directory: LinkDirectory(store: store), settings: FunnelSettings(),
            logger: Logger(label: "test"))
        let code = try LinkCode("4827163")
        recorder.count(.connectClick, code: code)
        recorder.count(.signupStarted, code: try LinkCode("5938274"))
        #expect(recorder.pendingLinkDays() == 2)
        await store.close()
        #expect(await recorder.flush() == 2)
        #expect(recorder.pendingLinkDays() == 2, "the flusher would never look at them again")
        #expect(recorder.drain().map(\.linkDayCount) == [2])
    }
}
