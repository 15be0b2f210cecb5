import ArgumentParser
import SpruceStore

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Bring the database schema up to date, and list the migrations.",
        discussion: """
            Every command migrates the database when it opens it; this one does only that, and says what it did. \
            Instances starting together run each migration once (SQLite's write lock, PostgreSQL's advisory lock).
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Flag(help: "List the migrations and which are pending, without applying any.")
    var dryRun = false

    func run() async throws {
        let location = try options.location
        let known = SpruceStore.knownMigrations
        if dryRun {
            let applied = Set(try await SpruceStore.appliedMigrations(at: location))
            for (version, name) in known {
                print("\(applied.contains(version) ? "applied" : "pending")  \(version)  \(name)")
            }
            return
        }
        let before = Set(try await SpruceStore.appliedMigrations(at: location))
        let after = try await options.withStore { store in try await store.appliedMigrations() }
        for (version, name) in known where after.contains(version) {
            print("\(before.contains(version) ? "applied" : "applied now")  \(version)  \(name)")
        }
    }
}
