import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the seed clinics, their links and their staff. Running it again changes nothing.",
        discussion: """
            Seed files hold no passwords. Seeded staff members get the password in $SPRUCELINK_SEED_PASSWORD, \
            or a random one that is printed once.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The seed file.", valueName: "path"))
    var fixtures = "Fixtures/clinics.json"

    func run() async throws {
        let file = try SeedFile.load(from: fixtures)
        let given = ProcessInfo.processInfo.environment["SPRUCELINK_SEED_PASSWORD"]
        let password = given ?? RandomPassword.make()
        let report = try await options.withStore { store in try await store.seed(file, memberPassword: password) }
        print(
            "Seeded \(report.organizationsCreated) organizations, \(report.linksCreated) links and "
                + "\(report.membersCreated) staff members (\(report.organizationsAlreadyPresent) organizations "
                + "already present) into \(try options.location)"
        )
        if report.membersCreated > 0 && given == nil {
            print("Staff password for the seeded members: \(password)")
        }
    }
}

/// Readable random passwords for operator-created accounts, from the system's secure generator.
enum RandomPassword {
    static func make(length: Int = 16) -> String {
        let alphabet = Array("23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}
