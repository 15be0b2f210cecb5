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
    /// A statement that, run first in the migration transaction, keeps other processes out until it ends.
    var migrationLock: String? { get }
    /// A statement that, run in a transaction minting many codes, makes other such transactions wait until it ends:
    /// two multi-row inserts that meet on codes in opposite orders would otherwise wait for each other (a
    /// deadlock). `nil` when write transactions are serialized anyway.
    var bulkMintLock: String? { get }
    /// A statement that, run first in a funnel flush, makes other flushes wait until it ends, so that two instances
    /// never merge the same day's visitor sketch from the same old value. `nil` when writes are serialized anyway.
    var funnelLock: String? { get }
    /// The statement that opens a read-only transaction seeing one consistent snapshot.
    var beginSnapshot: String { get }
    /// A query whose `name` column lists the tables of the store's schema.
    var listTables: String { get }
    /// A statement that moves `table`'s generated ids past the largest `id` it holds (after an import).
    func identityReset(table: String) -> String?
    /// The statements that make every update or delete of `links` and `organizations` append to `link_changes`,
    /// numbered by the `counters` row named `link_changes`.
    var linkChangeTriggers: [String] { get }
    /// An aggregate that joins the text of `expression` over the rows it sees, in `id` order, with commas, skipping
    /// NULLs (`group_concat`, `string_agg`): the link directory reads a range of links as a few values instead of a
    /// row each.
    func joined(_ expression: String) -> String
    func shutdown() async
}
