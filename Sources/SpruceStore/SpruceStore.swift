import Foundation
import Logging
import SQLKit
import SpruceCore

/// Persistence for SpruceLink over SQLKit: one implementation, the engine picked by ``DatabaseLocation``.
///
/// Opening a store runs the pending migrations. Every flow that writes more than one row does so inside
/// ``transaction(_:)``, so a failure leaves nothing half-made.
///
/// ```swift
/// let key = try SigningKey(secret: secret)  // shared by every instance
/// let store = try await SpruceStore.open(.sqlite(path: "./sprucelink.sqlite"), settings: StoreSettings(signingKey: key))
/// defer { Task { await store.close() } }
/// let (org, primary) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
/// ```
public struct SpruceStore: Sendable {
    public let location: DatabaseLocation
    public let settings: StoreSettings
    let engine: any DatabaseEngine
    let logger: Logger
    /// Password hashing and checking, off the threads that serve requests.
    let passwords: PasswordPool

    /// Opens (creating if needed) the database at `location` and brings its schema up to date.
    /// - Throws: ``StoreError`` for a bad location or a failed migration, or the engine's error.
    public static func open(
        _ location: DatabaseLocation,
        settings: StoreSettings,
        logger: Logger = Logger(label: "sprucelink.store")
    ) async throws -> SpruceStore {
        try await open(location, settings: settings, logger: logger, runMigrations: true)
    }

    static func open(
        _ location: DatabaseLocation,
        settings: StoreSettings,
        logger: Logger = Logger(label: "sprucelink.store"),
        runMigrations: Bool
    ) async throws -> SpruceStore {
        let engine: any DatabaseEngine
        switch location {
        case .sqlite(let path):
            engine = try SQLiteEngine(path: path, connectionsPerEventLoop: 2, logger: logger)
        case .postgres(let url):
            engine = try PostgresEngine(url: url, logger: logger)
        }
        let store = SpruceStore(
            location: location, settings: settings, engine: engine, logger: logger,
            passwords: PasswordPool(threads: settings.passwordThreads, priority: settings.passwordThreadPriority))
        do {
            if runMigrations { try await store.migrate() }
        } catch {
            await engine.shutdown()
            throw error
        }
        return store
    }

    /// Closes every pooled connection.
    public func close() async {
        await engine.shutdown()
    }

    /// Runs `body` on one connection, outside any transaction.
    func read<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await engine.withConnection(writing: false, body)
    }

    /// Runs `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(begin: engine.beginTransaction, writing: true, body)
    }

    /// Runs `body` in a read-only transaction that sees one consistent snapshot of every table.
    func snapshot<T: Sendable>(_ body: @escaping @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transaction(begin: engine.beginSnapshot, writing: false, body)
    }

    private func transaction<T: Sendable>(
        begin: String,
        writing: Bool,
        _ body: @escaping @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        try await engine.withConnection(writing: writing) { database in
            try await database.execute(sql: SQLRaw(begin)) { _ in }
            do {
                let result = try await body(database)
                try await database.execute(sql: SQLRaw("COMMIT")) { _ in }
                return result
            } catch {
                // In a cancelled task every statement fails before it runs (NIO's thread pool checks first), and a
                // ROLLBACK that never ran left the transaction, and SQLite's write lock, open on a pooled
                // connection: the next writer waited forever. A task of its own is not cancelled.
                await Task { try? await database.execute(sql: SQLRaw("ROLLBACK")) { _ in } }.value
                throw error
            }
        }
    }
}

/// What the flows need besides the database: the key that signs values sent through browsers, the password
/// hasher, and the rate limits (``Throttles``).
public struct StoreSettings: Sendable {
    /// Signs signup continuations and clinic prompts. Instances behind one load balancer must share it; the caller
    /// chooses it (there is no default), so two instances never end up with different keys by omission.
    public var signingKey: SigningKey
    public var passwordHasher: PasswordHasher
    public var throttles: Throttles
    /// Threads that hash and check passwords (scrypt), apart from every thread that serves requests.
    public var passwordThreads: Int
    /// How those threads are scheduled against the serving threads; below them unless a caller bounds its waits.
    public var passwordThreadPriority: PasswordThreadPriority = .belowServing
    /// Delivers codes and notices about accounts (signup, password reset, failed logins); `nil` refuses every
    /// operation that must send one.
    public var messenger: (any AccountMessenger)?

    public init(
        signingKey: SigningKey,
        passwordHasher: PasswordHasher = PasswordHasher(),
        throttles: Throttles = Throttles(),
        passwordThreads: Int? = nil,
        messenger: (any AccountMessenger)? = nil
    ) {
        self.messenger = messenger
        self.signingKey = signingKey
        self.passwordHasher = passwordHasher
        self.throttles = throttles
        self.passwordThreads = max(1, passwordThreads ?? PasswordPool.defaultThreads)
    }
}

extension Date {
    /// Milliseconds since 1970, the portable form every timestamp column uses.
    var storedMilliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(storedMilliseconds: Int64) {
        self.init(timeIntervalSince1970: TimeInterval(storedMilliseconds) / 1000)
    }
}
