import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

struct InboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inbox",
        abstract:
            "Show an inbox: a member's organization (All or Clinics on Spruce), or a patient's threads and Get Care."
    )

    @OptionGroup var options: DatabaseOptions

    @Option(name: .customLong("as"), help: "member:EMAIL or patient:EMAIL.")
    var persona: String

    @Flag(help: "Only clinic and group conversations with another clinic (Clinics on Spruce).")
    var clinics = false

    @Option(help: "How many conversations to show (1–100).")
    var limit = 25

    @Option(help: "Show the page after this cursor, as printed by the previous page.")
    var after: String?

    @Flag(help: "Also list the member's alerts.")
    var alerts = false

    func run() async throws {
        let persona = try Persona(parsing: self.persona)
        guard (1...100).contains(limit) else { throw UsageError("--limit must be between 1 and 100") }
        let cursor = try after.map { text throws(UsageError) in
            guard let cursor = InboxCursor(text) else { throw UsageError("--after: not a cursor printed by inbox") }
            return cursor
        }
        let output = try await options.withStore { store in
            let identity = try await persona.identity(in: store)
            var lines: [String] = []
            switch identity {
            case .member:
                let page = try await store.inbox(
                    as: identity, filter: clinics ? .clinics : .all, after: cursor, limit: limit)
                lines.append(clinics ? "Clinics on Spruce" : "All")
                lines += page.entries.map(Self.line)
                if let next = page.nextCursor { lines.append("more: --after \(next)") }
                if alerts {
                    lines.append("Alerts")
                    lines += try await store.alerts(as: identity).map { "  • \($0.text)" }
                }
            case .patient:
                lines.append("Conversations")
                lines += try await store.patientConversations(as: identity).map(Self.line)
                lines.append("Get Care")
                lines += try await store.getCare(as: identity).map { "  \($0.profile.displayName)" }
            case .anonymous:
                throw UsageError("--as: an inbox belongs to a member or a patient")
            }
            return lines
        }
        print(output.joined(separator: "\n"))
    }

    static func line(_ entry: InboxEntry) -> String {
        let icon =
            switch entry.icon {
            case .briefcase: "💼"
            case .patient: "👤"
            case .group: "👥"
            }
        var text = "  #\(entry.conversationID) \(icon) \(entry.title)"
        if !entry.tags.isEmpty { text += "  [" + entry.tags.map(\.rawValue).joined(separator: ", ") + "]" }
        if let last = entry.lastMessage { text += "  — " + String(last.prefix(60)) }
        return text
    }
}

struct MessageCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "message", abstract: "Send a message in a conversation.")

    @OptionGroup var options: DatabaseOptions

    @Option(name: .customLong("as"), help: "member:EMAIL or patient:EMAIL.")
    var persona: String

    @Option(help: "The conversation's id, as inbox prints it.")
    var conversation: Int64

    @Argument(help: "The message.")
    var text: String

    func run() async throws {
        let persona = try Persona(parsing: self.persona)
        let message = try await options.withStore { store in
            try await store.sendMessage(
                as: try await persona.identity(in: store), to: ConversationID(rawValue: conversation), body: text)
        }
        print("Sent message \(message.id) to conversation \(message.conversationID)")
    }
}

struct GroupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "group",
        abstract: "Start a group conversation: your clinic, a connected clinic, and one of your patients."
    )

    @OptionGroup var options: DatabaseOptions

    @Option(name: .customLong("as"), help: "member:EMAIL.")
    var persona: String

    @Option(help: "The id of the connected clinic.")
    var clinic: Int64

    @Option(help: "The patient's email address.")
    var patient: String

    func run() async throws {
        let persona = try Persona(parsing: self.persona)
        let (id, isNew) = try await options.withStore { store in
            guard let patient = try await store.patient(email: patient) else {
                throw UsageError("--patient: no patient \(patient)")
            }
            return try await store.startGroupConversation(
                as: try await persona.identity(in: store), with: OrganizationID(rawValue: clinic), patient: patient.id)
        }
        print(isNew ? "Started group conversation \(id)" : "Group conversation \(id) already exists")
    }
}
