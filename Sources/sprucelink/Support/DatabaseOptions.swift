import ArgumentParser
import Foundation
import Logging
import SpruceCore
import SpruceStore

/// `--database`, shared by every command that reads or writes the store.
struct DatabaseOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The database: an SQLite file path (default ./sprucelink.sqlite, or $SPRUCELINK_DATABASE).",
            valueName: "path"
        )
    )
    var database: String?

    /// The setting in force: the option, else the environment, else the default file.
    var location: DatabaseLocation {
        get throws {
            let setting =
                database
                ?? ProcessInfo.processInfo.environment[DatabaseLocation.environmentVariable]
                ?? DatabaseLocation.defaultPath
            do {
                return try DatabaseLocation(parsing: setting)
            } catch {
                throw UsageError("--database: \(error.description)")
            }
        }
    }

    /// Opens the store, runs `body`, and always closes it.
    func withStore<T>(_ body: (SpruceStore) async throws -> T) async throws -> T {
        var logger = Logger(label: "sprucelink.store")
        logger.logLevel = .critical
        // A command signs only what it verifies itself in the same process (the signup continuation of
        // `sprucelink signup`), so a key of its own is right here; `serve` takes the shared one.
        let store = try await SpruceStore.open(
            try location, settings: StoreSettings(signingKey: .random()), logger: logger)
        do {
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }
}
