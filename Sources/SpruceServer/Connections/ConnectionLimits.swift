import Foundation

/// How the server holds up against slow, idle and too many connections; every value is an option of `serve`.
///
/// - A connection with no request in progress is closed after ``idleTimeout`` (``RequestDeadlines``).
/// - Once a request's first byte arrives, its head must be complete within ``headTimeout`` (else `408` and the
///   connection closes: a half-sent request cannot hold a connection), and its body within ``bodyTimeout`` after
///   the head (else the connection closes).
/// - Past ``maximumConnections`` open connections, a new one gets `503` with `Retry-After` and is closed at once.
public struct ConnectionLimits: Equatable, Sendable {
    public var idleTimeout: TimeInterval
    public var headTimeout: TimeInterval
    public var bodyTimeout: TimeInterval
    public var maximumConnections: Int

    public init(
        idleTimeout: TimeInterval = 60,
        headTimeout: TimeInterval = 10,
        bodyTimeout: TimeInterval = 30,
        maximumConnections: Int = 10_000
    ) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.maximumConnections = maximumConnections
    }
}
