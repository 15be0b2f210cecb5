import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresKit

/// The server engine: PostgreSQL through postgres-kit, for several service instances on one database.
///
/// The URL is libpq-style: `postgres://user:pass@host:5432/db`, with `sslmode=require` for TLS (or `disable`,
/// `prefer`), `pool_size=N` for the number of pooled connections (default 8), `pool_timeout=S` for how long a
/// request waits for a free connection before the store reports the database unavailable (default 10 s) and
/// `schema=NAME` to work in a schema other than `public`.
struct PostgresEngine: DatabaseEngine {
    private let pool: SharedPool<PostgresConnectionSource>
    private let logger: Logger

    init(url: String, logger: Logger) throws(StoreError) {
        guard let components = URLComponents(string: url) else { throw .invalidLocation("not a URL") }
        let query = components.queryItems ?? []
        var configuration: SQLPostgresConfiguration
        do {
            configuration = try SQLPostgresConfiguration(url: url)
        } catch {
            throw .invalidLocation("not a PostgreSQL URL (postgres://user:password@host:5432/database?sslmode=…)")
        }
        if let schema = query.last(where: { $0.name == "schema" })?.value {
            guard !schema.isEmpty,
                schema.utf8.allSatisfy({
                    $0 == UInt8(ascii: "_") || (0x30...0x39).contains($0)
                        || (0x61...0x7A).contains($0)
                })
            else { throw .invalidLocation("schema must be lowercase letters, digits and _") }
            configuration.searchPath = [schema]
        }
        var poolSize = 8
        if let text = query.last(where: { $0.name == "pool_size" })?.value {
            guard let size = Int(text), (1...200).contains(size) else {
                throw .invalidLocation("pool_size must be between 1 and 200")
            }
            poolSize = size
        }
        var poolTimeout: Int64 = 10
        if let text = query.last(where: { $0.name == "pool_timeout" })?.value {
            guard let seconds = Int64(text), (1...600).contains(seconds) else {
                throw .invalidLocation("pool_timeout must be between 1 and 600 seconds")
            }
            poolTimeout = seconds
        }
        let loops = MultiThreadedEventLoopGroup.singleton.makeIterator().reduce(0) { count, _ in count + 1 }
        self.logger = logger
        self.pool = SharedPool(
            EventLoopGroupConnectionPool(
                source: PostgresConnectionSource(sqlConfiguration: configuration),
                maxConnectionsPerEventLoop: max(1, poolSize / max(loops, 1)),
                requestTimeout: .seconds(poolTimeout),
                pruneInterval: .seconds(60),
                logger: logger,
                on: MultiThreadedEventLoopGroup.singleton
            )
        )
    }

    func withConnection<T: Sendable>(
        writing: Bool,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        let connection: PostgresConnection
        do {
            connection = try await pool.wrapped.requestConnection(logger: logger).get()
        } catch {
            throw StoreError.databaseUnavailable
        }
        defer { pool.wrapped.releaseConnection(connection, logger: logger) }
        do {
            return try await body(connection.sql(queryLogLevel: nil))
        } catch let error as PSQLError where Self.isLostServer(error) {
            throw StoreError.databaseUnavailable
        }
    }

    /// Whether `error` says the server went away (shut down, restarted, network) rather than refused a statement.
    private static func isLostServer(_ error: PSQLError) -> Bool {
        let lost: [PSQLError.Code] = [
            .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed,
        ]
        if lost.contains(error.code) { return true }
        // Class 57P (operator intervention: shutdown, crash) and class 08 (connection exception).
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state.hasPrefix("57P") || state.hasPrefix("08")
    }

    var beginTransaction: String { "BEGIN" }

    /// A transaction-scoped advisory lock on a fixed key ("SPRU"): released by COMMIT or ROLLBACK.
    var migrationLock: String? { "SELECT pg_advisory_xact_lock(1397772885)" }

    /// A transaction-scoped advisory lock on another fixed key ("SPRM").
    var bulkMintLock: String? { "SELECT pg_advisory_xact_lock(1397772877)" }

    /// A transaction-scoped advisory lock on another fixed key ("SPRF"): funnel flushes merge sketches one at a time.
    var funnelLock: String? { "SELECT pg_advisory_xact_lock(1397772870)" }

    var beginSnapshot: String { "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" }

    var listTables: String {
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()"
    }

    func identityReset(table: String) -> String? {
        "SELECT setval(pg_get_serial_sequence('\(table)', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM \(table)"
    }

    /// The counter's `UPDATE … RETURNING` holds its row lock until commit, so generations follow commit order.
    var linkChangeTriggers: [String] {
        [
            """
            CREATE FUNCTION record_link_change() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE next_generation BIGINT;
            BEGIN
                UPDATE counters SET value = value + 1 WHERE name = 'link_changes' RETURNING value INTO next_generation;
                IF TG_TABLE_NAME = 'links' THEN
                    INSERT INTO link_changes (generation, code, organization_id, changed_at)
                    VALUES (next_generation, OLD.code, NULL, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
                ELSE
                    INSERT INTO link_changes (generation, code, organization_id, changed_at)
                    VALUES (next_generation, NULL, OLD.id, (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
                END IF;
                RETURN NULL;
            END $$
            """,
            "CREATE TRIGGER links_feed AFTER UPDATE OR DELETE ON links FOR EACH ROW EXECUTE FUNCTION record_link_change()",
            """
            CREATE TRIGGER organizations_feed AFTER UPDATE OR DELETE ON organizations \
            FOR EACH ROW EXECUTE FUNCTION record_link_change()
            """,
        ]
    }

    func joined(_ expression: String) -> String { "string_agg((\(expression))::text, ',' ORDER BY id)" }

    func shutdown() async {
        try? await pool.wrapped.shutdownAsync()
    }
}
