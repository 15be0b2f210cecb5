import ArgumentParser

@main
struct SpruceLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sprucelink",
        abstract: "Mint, resolve and render Spruce links and their QR codes.",
        version: "0.1.0",
        subcommands: [
            QRCommand.self, SeedCommand.self, OrgCommand.self, LinkCommand.self, ResolveCommand.self,
        ]
    )
}
