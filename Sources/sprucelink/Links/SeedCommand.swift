import ArgumentParser
import SpruceStore

struct SeedCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed",
        abstract: "Load the seed clinics and their links. Running it again changes nothing."
    )

    @OptionGroup var options: DatabaseOptions

    @Option(help: ArgumentHelp("The seed file.", valueName: "path"))
    var fixtures = "Fixtures/clinics.json"

    func run() async throws {
        let file = try SeedFile.load(from: fixtures)
        let report = try await options.withStore { store in try await store.seed(file) }
        print(
            "Seeded \(report.organizationsCreated) organizations and \(report.linksCreated) links "
                + "(\(report.organizationsAlreadyPresent) already present) into \(try options.location)"
        )
    }
}
