import Foundation
import Testing

@testable import SpruceServer

@Suite("Funnel flush interval")
struct FunnelSettingsTests {
    @Test(
        "a quick flush keeps the interval; a long one stretches it to fifty times its length, up to the maximum",
        arguments: [
            (0.0, 1.0), (0.005, 1.0), (0.02, 1.0), (0.03, 1.5), (0.1, 5.0), (0.5, 25.0), (0.6, 30.0), (12.0, 30.0),
        ])
    func nextInterval(_ took: Double, _ expected: Double) {
        let settings = FunnelSettings()
        #expect(abs(settings.nextFlushInterval(after: took) - expected) < 1e-9)
    }

    @Test("the maximum is never below the interval")
    func maximum() {
        let settings = FunnelSettings(flushInterval: 60, maximumFlushInterval: 30)
        #expect(settings.maximumFlushInterval == 60)
        #expect(settings.nextFlushInterval(after: 0) == 60)
    }
}
