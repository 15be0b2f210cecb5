import Foundation
import SQLKit
import SpruceCore

/// One versioned step of the schema. Versions are applied in order, each once, and recorded in `schema_migrations`.
struct Migration: Sendable {
    let version: Int
    let name: String
    let apply: @Sendable (any SQLDatabase, any DatabaseEngine) async throws -> Void

    init(version: Int, name: String, apply: @escaping @Sendable (any SQLDatabase) async throws -> Void) {
        self.init(version: version, name: name) { database, _ in try await apply(database) }
    }

    /// A step whose SQL depends on the engine (triggers, functions).
    init(
        version: Int, name: String,
        apply: @escaping @Sendable (any SQLDatabase, any DatabaseEngine) async throws -> Void
    ) {
        self.version = version
        self.name = name
        self.apply = apply
    }
}

extension SpruceStore {
    /// Every migration this build knows, oldest first.
    static let migrations: [Migration] = [
        Migration(version: 1, name: "organizations, links, link tags, invitations", apply: Schema.version1),
        Migration(version: 2, name: "accounts, contacts, conversations, messages, alerts", apply: Schema.version2),
        Migration(version: 3, name: "invitation delivery, reminders, opt-outs", apply: Schema.version3),
        Migration(version: 4, name: "browser sessions and API keys", apply: Schema.version4),
        Migration(version: 5, name: "link change feed", apply: Schema.version5),
        Migration(version: 6, name: "QR colors of links", apply: Schema.version6),
        Migration(version: 7, name: "atomic rate counters", apply: Schema.version7),
        Migration(version: 8, name: "verified accounts, one-time codes, idle sessions", apply: Schema.version8),
        Migration(version: 9, name: "member and API key roles, team invitations", apply: Schema.version9),
        Migration(
            version: 10, name: "funnel: daily counts, visitor sketches, months, time zones", apply: Schema.version10),
        Migration(version: 11, name: "app handoffs, invitation connect codes, app sessions", apply: Schema.version11),
    ]

    /// Applies the pending migrations in one transaction, holding the engine's lock so that instances starting
    /// together run each migration once: SQLite's write lock, PostgreSQL's advisory lock.
    /// - Parameter last: stop after this version (tests that upgrade a database made by an older build).
    func migrate(upTo last: Int = .max) async throws {
        let migrations = Self.migrations.filter { $0.version <= last }
        let lock = engine.migrationLock
        let engine = self.engine
        try await transaction { database in
            if let lock { try await database.execute(sql: SQLRaw(lock)) { _ in } }
            try await database.create(table: "schema_migrations")
                .ifNotExists()
                .column("version", type: .bigint, .primaryKey(autoIncrement: false))
                .column("name", type: .text, .notNull)
                .column("applied_at", type: .bigint, .notNull)
                .run()
            let applied = try await database.select().column("version").from("schema_migrations").all()
                .map { try $0.decode(column: "version", as: Int.self) }
            let current = applied.max() ?? 0
            let known = migrations.last?.version ?? 0
            guard current <= known else { throw StoreError.newerSchema(found: current, known: known) }
            for migration in migrations where !applied.contains(migration.version) {
                do {
                    try await migration.apply(database, engine)
                } catch {
                    throw StoreError.migrationFailed(version: migration.version, reason: String(describing: error))
                }
                try await database.insert(into: "schema_migrations")
                    .columns("version", "name", "applied_at")
                    .values(SQLBind(migration.version), SQLBind(migration.name), SQLBind(Date().storedMilliseconds))
                    .run()
            }
        }
    }

    /// Every migration this build knows, as (version, name), oldest first.
    public static var knownMigrations: [(version: Int, name: String)] { migrations.map { ($0.version, $0.name) } }

    /// The versions applied to the database at `location`, without migrating it: empty for a new database.
    public static func appliedMigrations(at location: DatabaseLocation) async throws -> [Int] {
        // Nothing is signed here: a key that no value ever uses.
        let store = try await open(location, settings: StoreSettings(signingKey: .random()), runMigrations: false)
        do {
            let tables = try await store.read { [engine = store.engine] database in
                try await database.raw(SQLQueryString(stringLiteral: engine.listTables)).all()
                    .map { try $0.decode(column: "name", as: String.self) }
            }
            let applied = tables.contains("schema_migrations") ? try await store.appliedMigrations() : []
            await store.close()
            return applied
        } catch {
            await store.close()
            throw error
        }
    }

    /// The versions recorded as applied, oldest first.
    public func appliedMigrations() async throws -> [Int] {
        try await read { database in
            try await database.select().column("version").from("schema_migrations").orderBy("version").all()
                .map { try $0.decode(column: "version", as: Int.self) }
        }
    }
}
