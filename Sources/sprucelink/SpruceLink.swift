import ArgumentParser
import Foundation

@main
struct SpruceLink: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sprucelink",
        abstract: "Mint, resolve and render Spruce links and their QR codes.",
        version: "0.1.0",
        subcommands: [
            QRCommand.self, SeedCommand.self, OrgCommand.self, LinkCommand.self, ResolveCommand.self,
            MemberCommand.self, SignupCommand.self, ConnectCommand.self, InboxCommand.self, MessageCommand.self,
            GroupCommand.self, InviteCommand.self, MigrateCommand.self, ExportCommand.self, ImportCommand.self,
            ServeCommand.self, FlyerCommand.self, StatsCommand.self,
        ]
    )

    /// Runs the command, reporting a ``UsageError`` as one line with exit status 64 and anything else as
    /// ArgumentParser does.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as UsageError {
            Terminal.printError("Error: \(error.description)")
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch {
            exit(withError: error)
        }
    }
}
