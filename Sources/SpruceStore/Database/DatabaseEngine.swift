import Logging
import SQLKit

/// One database engine behind the store: how to get a connection, and the few things SQL dialects disagree on.
///
/// Everything else in the store is portable SQL written with SQLKit's builders; this is the one dialect switch.
protocol DatabaseEngine: Sendable {
    /// Runs `body` on one connection taken from the pool, returning it afterwards.
    /// - Parameter writing: whether `body` runs a write transaction, which engines with one writer serialize.
    func withConnection<T: Sendable>(
        writing: Bool,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T
    /// The statement that opens a read-write transaction.
    var beginTransaction: String { get }
    /// Whether `error` is the engine's report of a unique-constraint violation.
    func isUniqueViolation(_ error: any Error) -> Bool
    func shutdown() async
}
