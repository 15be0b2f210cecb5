import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Migrations")
struct MigrationTests {
    @Test(
        "an empty database is migrated to the latest version, and reopening changes nothing", arguments: TestEngine.all)
    func migratesFromEmpty(engine: TestEngine) async throws {
        try await withStore(engine) { store, location in
            let latest = SpruceStore.migrations.map(\.version)
            #expect(try await store.appliedMigrations() == latest)
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let reopened = try await SpruceStore.open(location, settings: StoreSettings(signingKey: .random()))
            #expect(try await reopened.appliedMigrations() == latest)
            #expect(
                try await reopened.organization(id: organization.id)?.profile.displayName == "Oak Street Pediatrics")
            await reopened.close()
        }
    }

    @Test("the SQLite file is in WAL mode")
    func walMode() async throws {
        try await withStore(.sqlite) { _, location in
            guard case .sqlite(let path) = location else { return }
            let wal = URL(fileURLWithPath: path + "-wal")
            #expect(FileManager.default.fileExists(atPath: wal.path))
        }
    }

    @Test("a missing folder is a clear error, not a crash")
    func missingFolder() async throws {
        await #expect(throws: StoreError.invalidLocation("folder /nonexistent-sprucelink does not exist")) {
            _ = try await SpruceStore.open(
                .sqlite(path: "/nonexistent-sprucelink/db.sqlite"), settings: StoreSettings(signingKey: .random()))
        }
    }

    @Test(
        "database settings",
        arguments: [
            ("./a.sqlite", DatabaseLocation.sqlite(path: "./a.sqlite")),
            ("sqlite:/tmp/b.sqlite", .sqlite(path: "/tmp/b.sqlite")),
            ("  spaced.sqlite ", .sqlite(path: "spaced.sqlite")),
            (
                "postgres://app:secret@db:5432/spruce?sslmode=require",
                .postgres(url: "postgres://app:secret@db:5432/spruce?sslmode=require")
            ),
            ("POSTGRESQL://h/d", .postgres(url: "POSTGRESQL://h/d")),
        ])
    func parsesLocations(setting: String, expected: DatabaseLocation) throws {
        #expect(try DatabaseLocation(parsing: setting) == expected)
    }

    @Test("a PostgreSQL password never reaches a description")
    func redactsPassword() throws {
        let location = try DatabaseLocation(parsing: "postgres://app:s3cret@db:5432/spruce")
        #expect(location.description == "postgres://app:***@db:5432/spruce")
    }

    @Test(
        "a bad PostgreSQL setting is a clear error",
        arguments: [
            ("postgres://app@db/spruce?pool_size=0", "invalid database setting: pool_size must be between 1 and 200"),
            (
                "postgres://app@db/spruce?pool_timeout=0",
                "invalid database setting: pool_timeout must be between 1 and 600 seconds"
            ),
            (
                "postgres://app@db/spruce?pool_timeout=soon",
                "invalid database setting: pool_timeout must be between 1 and 600 seconds"
            ),
            (
                "postgres://app@db/spruce?schema=Bad;Drop",
                "invalid database setting: schema must be lowercase letters, digits and _"
            ),
            (
                "postgres://db/spruce",
                "invalid database setting: not a PostgreSQL URL (postgres://user:password@host:5432/database?sslmode=…)"
            ),
        ])
    func rejectsPostgresSettings(setting: String, message: String) async throws {
        do {
            let store = try await SpruceStore.open(
                try DatabaseLocation(parsing: setting), settings: StoreSettings(signingKey: .random()))
            await store.close()
            Issue.record("expected an error")
        } catch {
            #expect(String(describing: error) == message)
        }
    }

    @Test(
        "instances starting at the same moment on an empty database run each migration once", arguments: TestEngine.all)
    func concurrentMigrations(engine: TestEngine) async throws {
        let scratch = try await ScratchDatabase.make(engine)
        let versions = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let store = try await SpruceStore.open(scratch.location, settings: testSettings())
                    let applied = try await store.appliedMigrations()
                    await store.close()
                    return applied
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await scratch.remove()
        #expect(versions.allSatisfy { $0 == SpruceStore.migrations.map(\.version) })
    }

    @Test("bad database settings", arguments: ["", "   ", "sqlite:"])
    func rejectsLocations(setting: String) {
        #expect(throws: StoreError.self) { try DatabaseLocation(parsing: setting) }
    }
}
