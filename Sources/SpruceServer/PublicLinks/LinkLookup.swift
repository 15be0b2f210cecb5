import SpruceCore
import SpruceStore

/// What a practice link leads to, through the link directory (memory first, then the database), counted in the
/// resolve metrics.
struct LinkLookup: Sendable {
    let directory: LinkDirectory
    let metrics: ServerMetrics

    func resolve(_ code: LinkCode) async throws -> PublicResolution {
        let resolution = try await directory.resolve(code)
        metrics.resolved(outcome: resolution.outcome)
        return resolution
    }
}
