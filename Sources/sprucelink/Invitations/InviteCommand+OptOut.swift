import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

extension InviteCommand {
    struct OptOut: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "opt-out",
            abstract: "Never invite this email address or phone number again; revokes its pending invitations."
        )

        @OptionGroup var database: DatabaseOptions

        @Argument(help: "The email address or phone number.")
        var address: String

        @Option(help: ArgumentHelp("The region of a phone number written without +country code.", valueName: "region"))
        var defaultCountry: String = "US"

        func run() async throws {
            let normalized: String
            do {
                normalized =
                    address.contains("@")
                    ? try EmailAddress(parsing: address).address
                    : try PhoneNumber(parsing: address, defaultRegion: defaultCountry).e164
            } catch {
                throw UsageError("address: \(error.rule)")
            }
            let revoked = try await database.withStore { store in try await store.optOut(address: normalized) }
            print("Opted out \(normalized); revoked \(revoked) pending invitation\(revoked == 1 ? "" : "s")")
        }
    }
}
