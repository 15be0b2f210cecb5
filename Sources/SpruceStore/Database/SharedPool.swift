import AsyncKit

/// AsyncKit's pool guards its state with a lock and hops to each connection's event loop itself,
/// so it is safe to share across tasks; it just predates `Sendable` and does not say so.
final class SharedPool<Source: ConnectionPoolSource>: @unchecked Sendable {
    let wrapped: EventLoopGroupConnectionPool<Source>

    init(_ pool: EventLoopGroupConnectionPool<Source>) {
        self.wrapped = pool
    }
}
