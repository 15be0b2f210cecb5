import Foundation
import Logging
import ServiceLifecycle
import SpruceCore
import SpruceStore

/// Prunes rate counters no window still needs, and handoffs a day past their end, a bounded batch at a time,
/// while the server runs: keys made of random names (a flood of made-up logins) and handoffs made and never
/// claimed cannot grow the tables without bound.
struct RateCounterSweep: Service {
    let store: SpruceStore
    let logger: Logger
    /// Time between sweeps.
    var interval: Duration = .seconds(60)
    /// Rows per delete, and batches per sweep: at most `batch × batches` rows go per sweep.
    var batch = 1_000
    var batches = 10

    /// How long a counter must sit untouched before it goes: longer than every policy's window and delay.
    static func retention(for throttles: Throttles) -> TimeInterval {
        let policies = [
            throttles.loginFailuresPerClient, throttles.loginFailuresPerAccountAndClient,
            throttles.loginFailuresPerAccount, throttles.signupsPerClient, throttles.connectsPerVisitor,
            throttles.connectsPerOrganization, throttles.messagesPerSender, throttles.handoffsPerClient,
            throttles.handoffClaimsPerClient, throttles.handoffClaimFailures, throttles.appRequestsPerClient,
        ]
        return policies.map { $0.window + ($0.growingDelay?.maximum ?? 0) }.max() ?? 3600
    }

    func run() async throws {
        let retention = Self.retention(for: store.settings.throttles)
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await sweep(retention: retention)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One sweep: deletes stale counters until a batch comes back short or `batches` ran.
    func sweep(retention: TimeInterval, at now: Date = Date()) async {
        for _ in 0..<batches {
            do {
                let deleted = try await store.pruneHandoffs(endedBefore: now.addingTimeInterval(-86_400), limit: batch)
                if deleted < batch { break }
            } catch {
                logger.warning("handoff sweep failed", metadata: ["error.type": "\(type(of: error))"])
                break
            }
        }
        for _ in 0..<batches {
            do {
                let deleted = try await store.pruneRateCounters(olderThan: retention, limit: batch, at: now)
                if deleted < batch { return }
            } catch {
                logger.warning("rate counter sweep failed", metadata: ["error.type": "\(type(of: error))"])
                return
            }
        }
    }
}
