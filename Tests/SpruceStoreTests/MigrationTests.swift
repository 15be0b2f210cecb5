import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Migrations")
struct MigrationTests {
    @Test("an empty file is migrated to the latest version, and reopening changes nothing")
    func migratesFromEmpty() async throws {
        try await withStore { store, file in
            let latest = SpruceStore.migrations.map(\.version)
            #expect(try await store.appliedMigrations() == latest)
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let reopened = try await SpruceStore.open(.sqlite(path: file.path))
            #expect(try await reopened.appliedMigrations() == latest)
            #expect(try await reopened.organization(id: organization.id)?.profile.displayName == "Oak Street Pediatrics")
            await reopened.close()
        }
    }

    @Test("the file is in WAL mode")
    func walMode() async throws {
        try await withStore { _, file in
            let wal = URL(fileURLWithPath: file.path + "-wal")
            #expect(FileManager.default.fileExists(atPath: wal.path))
        }
    }

    @Test("a missing folder is a clear error, not a crash")
    func missingFolder() async throws {
        await #expect(throws: StoreError.invalidLocation("folder /nonexistent-sprucelink does not exist")) {
            _ = try await SpruceStore.open(.sqlite(path: "/nonexistent-sprucelink/db.sqlite"))
        }
    }

    @Test("database settings", arguments: [
        ("./a.sqlite", DatabaseLocation.sqlite(path: "./a.sqlite")),
        ("sqlite:/tmp/b.sqlite", .sqlite(path: "/tmp/b.sqlite")),
        ("  spaced.sqlite ", .sqlite(path: "spaced.sqlite")),
    ])
    func parsesLocations(setting: String, expected: DatabaseLocation) throws {
        #expect(try DatabaseLocation(parsing: setting) == expected)
    }

    @Test("bad database settings", arguments: ["", "   ", "sqlite:"])
    func rejectsLocations(setting: String) {
        #expect(throws: StoreError.self) { try DatabaseLocation(parsing: setting) }
    }
}
