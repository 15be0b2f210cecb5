import Foundation
import Logging
import NIOCore
import NIOPosix
import SQLiteKit

/// The embedded engine: an SQLite file in WAL mode with foreign keys on, shared by a small pool of connections.
struct SQLiteEngine: DatabaseEngine {
    private let pool: SharedPool<SQLiteFileSource>
    private let logger: Logger
    private let writeGate: WriteGate

    init(path: String, connectionsPerEventLoop: Int, logger: Logger) throws(StoreError) {
        let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
        let directory = URL(fileURLWithPath: absolute).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw .invalidLocation("folder \(directory) does not exist")
        }
        self.logger = logger
        self.writeGate = WriteGate.forFile(absolute)
        self.pool = SharedPool(
            EventLoopGroupConnectionPool(
                source: SQLiteFileSource(path: absolute),
                maxConnectionsPerEventLoop: connectionsPerEventLoop,
                pruneInterval: nil,
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton
            )
        )
    }

    func withConnection<T: Sendable>(
        writing: Bool,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        guard writing else { return try await withPooledConnection(body) }
        await writeGate.enter()
        do {
            let result = try await withPooledConnection(body)
            await writeGate.leave()
            return result
        } catch {
            await writeGate.leave()
            throw error
        }
    }

    private func withPooledConnection<T: Sendable>(
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let connection = try await pool.wrapped.requestConnection(logger: logger).get()
        defer { pool.wrapped.releaseConnection(connection, logger: logger) }
        return try await body(connection.sql(queryLogLevel: nil))
    }

    /// `IMMEDIATE` takes the write lock up front, so two writers queue on the busy handler instead of deadlocking.
    var beginTransaction: String { "BEGIN IMMEDIATE" }

    /// `BEGIN IMMEDIATE` already holds the file's write lock for the whole migration transaction.
    var migrationLock: String? { nil }

    /// A deferred transaction in WAL mode reads one snapshot from its first statement on.
    var bulkMintLock: String? { nil }

    /// Write transactions are serialized anyway.
    var funnelLock: String? { nil }

    var beginSnapshot: String { "BEGIN" }

    var listTables: String { "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'" }

    /// `INTEGER PRIMARY KEY` takes the largest id plus one by itself.
    func identityReset(table: String) -> String? { nil }

    /// SQLite has one writer at a time, so the counter's order is the commit order by itself.
    var linkChangeTriggers: [String] {
        let now = "CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)"
        let targets = [("links", "OLD.code, NULL"), ("organizations", "NULL, OLD.id")]
        return targets.flatMap { table, values in
            ["UPDATE", "DELETE"].map { event in
                """
                CREATE TRIGGER \(table)_\(event.lowercased())_feed AFTER \(event) ON \(table) BEGIN \
                UPDATE counters SET value = value + 1 WHERE name = 'link_changes'; \
                INSERT INTO link_changes (generation, code, organization_id, changed_at) \
                SELECT value, \(values), \(now) FROM counters WHERE name = 'link_changes'; END
                """
            }
        }
    }

    /// Every aggregate of a query steps through the rows in the same order, the scan's: `id` order for a range of
    /// `id`s.
    func joined(_ expression: String) -> String { "group_concat(\(expression))" }

    func shutdown() async {
        try? await pool.wrapped.shutdownAsync()
    }
}

/// Opens connections to one SQLite file and sets the pragmas every connection needs.
private struct SQLiteFileSource: ConnectionPoolSource {
    let path: String

    func makeConnection(logger: Logger, on eventLoop: any EventLoop) -> EventLoopFuture<SQLiteConnection> {
        SQLiteConnection.open(storage: .file(path: path), threadPool: .singleton, logger: logger, on: eventLoop)
            .flatMap { connection in
                let pragmas = [
                    "PRAGMA journal_mode = WAL", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL",
                ]
                return pragmas.reduce(eventLoop.makeSucceededVoidFuture()) { previous, pragma in
                    previous.flatMap { connection.query(pragma).map { _ in } }
                }
                .flatMapError { error in connection.close().flatMapThrowing { throw error } }
                .map { connection }
            }
    }
}
