import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

extension MemberRole: ExpressibleByArgument {}

extension OrgCommand {
    /// `sprucelink org api-key create|list|revoke`: keys for the JSON API, stored hashed.
    struct APIKeyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api-key",
            abstract: "Create, list and revoke an organization's keys for the JSON API.",
            subcommands: [Create.self, List.self, Revoke.self]
        )
    }
}

extension OrgCommand.APIKeyCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an API key. The key is printed once; only its digest is stored.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: ArgumentHelp("The organization's id, as `org list` prints it.", valueName: "id"))
        var org: Int64

        @Option(help: ArgumentHelp("What the key is for, shown in `api-key list`.", valueName: "text"))
        var label = ""

        @Option(help: "admin (every API action) or staff (no minting, disabling links or QR colors).")
        var role: MemberRole = .admin

        func run() async throws {
            let (secret, key) = try await options.withStore { store in
                try await store.createAPIKey(for: OrganizationID(rawValue: org), label: label, role: role)
            }
            print(secret)
            FileHandle.standardError.write(
                Data(
                    "API key \(key.id) for organization \(org) (\(key.keyPrefix)…): store it now, it is not shown again\n"
                        .utf8))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List an organization's API keys (never the keys).")

        @OptionGroup var options: DatabaseOptions

        @Option(help: ArgumentHelp("The organization's id.", valueName: "id"))
        var org: Int64

        func run() async throws {
            let keys = try await options.withStore { store in try await store.apiKeys(of: OrganizationID(rawValue: org))
            }
            for key in keys {
                let state = key.revokedAt == nil ? "active" : "revoked"
                let used = key.lastUsedAt.map { "last used \($0.formatted(.iso8601))" } ?? "never used"
                print("\(key.id)\t\(key.keyPrefix)…\t\(state)\t\(key.label)\t\(key.role)\t\(used)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API key; it stops working at once.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The key's id, as `api-key list` prints it.")
        var id: Int64

        func run() async throws {
            try await options.withStore { store in try await store.revokeAPIKey(id: id) }
            print("Revoked API key \(id)")
        }
    }
}
