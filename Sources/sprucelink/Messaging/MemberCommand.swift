import ArgumentParser
import SpruceCore
import SpruceStore

struct MemberCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Manage the staff members of an organization.",
        subcommands: [Add.self, Role.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a staff member to an organization.")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "The id of the organization.")
        var org: Int64

        @Option(help: "The member's name.")
        var name: String

        @Option(help: "The member's email address, used to log in.")
        var email: String

        @Option(help: "admin or staff (default: admin for an organization's first member, else staff).")
        var role: MemberRole?

        @Flag(inversion: .prefixedNo, help: "Whether the member gets alerts.")
        var notifications = true

        @Flag(help: "Read the password from standard input instead of generating one.")
        var passwordStdin = false

        func run() async throws {
            let password = passwordStdin ? try PasswordInput.readFromStandardInput() : RandomPassword.make()
            let details: AccountDetails
            do {
                details = try AccountDetails(name: name, email: email, password: password).validated(requireEmail: true)
            } catch {
                throw UsageError(error.description)
            }
            let member = try await options.withStore { store in
                try await store.createMember(
                    organizationID: OrganizationID(rawValue: org), details: details, role: role,
                    notificationsOn: notifications)
            }
            print("Added member \(member.id): \(member.name) <\(member.email)> (\(member.role))")
            if !passwordStdin { print("Password: \(password)") }
        }
    }

    struct Role: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a member's role. The last admin of an organization cannot be demoted.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The member's email address.")
        var email: String

        @Argument(help: "admin or staff.")
        var role: MemberRole

        func run() async throws {
            let member: Member
            do {
                member = try await options.withStore { store in
                    try await store.setRole(role, email: email, in: .everyOrganization)
                }
            } catch let error as StoreError where error == .memberNotFound || error == .lastAdmin {
                throw UsageError("\(email): \(error.description)")
            }
            print("\(member.name) <\(member.email)> is now \(member.role)")
        }
    }
}
