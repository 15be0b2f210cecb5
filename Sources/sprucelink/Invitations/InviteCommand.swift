import ArgumentParser

/// `sprucelink invite`: private invitations by email and text (docs/ARCHITECTURE.md, "Invitations").
struct InviteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Send private invitations by email and text, one at a time or from a CSV file.",
        discussion: """
            Messages go into an outbox by default: a Maildir for emails and texts.jsonl (JSON Lines) beside it. \
            Each invitation is recorded before it is delivered and marked after, so re-running a batch that was \
            interrupted delivers only what was not delivered, and nobody twice.
            """,
        subcommands: [Send.self, Batch.self, List.self, Remind.self, Revoke.self, OptOut.self]
    )
}

/// `--via`.
enum InviteVia: String, ExpressibleByArgument, CaseIterable {
    case email
    case text
    case both
}
