import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org",
        abstract: "Create and inspect practices and clinics.",
        subcommands: [Create.self, List.self, Show.self, APIKeyCommand.self]
    )
}

extension OrganizationKind: ExpressibleByArgument {}

extension OrgCommand {
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization and mint its primary link."
        )

        @OptionGroup var options: DatabaseOptions

        @Option(help: "The display name patients see.")
        var name: String

        @Option(help: "practice (patients connect to it) or clinic (also connects with other clinics).")
        var kind: OrganizationKind = .practice

        @Option(help: "The specialty, e.g. Pediatrics.")
        var specialty: String?

        @Option(help: "A short public description.")
        var description: String?

        @Option(help: "The street address, one line.")
        var address: String?

        @Option(help: "The public phone number.")
        var phone: String?

        @Option(help: "The website, starting with https:// or http://.")
        var website: String?

        @Option(help: "Opening hours, one line.")
        var hours: String?

        @Flag(inversion: .prefixedNo, help: "Whether the organization accepts new patients.")
        var acceptingNewPatients = true

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            let profile = ClinicProfile(
                displayName: name, kind: kind, specialty: specialty, summary: description, address: address,
                phone: phone, website: website, hours: hours, acceptsNewPatients: acceptingNewPatients
            )
            let validated: ClinicProfile
            do {
                validated = try profile.validated()
            } catch {
                throw UsageError("--\(error.optionName): \(error.description)")
            }
            let (organization, primary) = try await options.withStore { store in
                try await store.createOrganization(validated)
            }
            if json {
                try JSONOutput.print(OrganizationSummary(organization, links: [primary]))
            } else {
                print("Created organization \(organization.id): \(organization.profile.displayName)")
                print("Primary link: \(LinkText.url(for: primary.code))")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List every organization.")

        @OptionGroup var options: DatabaseOptions

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            let organizations = try await options.withStore { store in try await store.organizations() }
            if json {
                try JSONOutput.print(organizations.map { OrganizationSummary($0, links: nil) })
                return
            }
            for organization in organizations {
                let profile = organization.profile
                print("\(organization.id)\t\(profile.kind.rawValue)\t\(profile.displayName)")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show an organization's profile and links.")

        @OptionGroup var options: DatabaseOptions

        @Argument(help: "The organization's id, as `org list` prints it.")
        var id: Int64

        @Flag(help: "Print the result as JSON.")
        var json = false

        func run() async throws {
            let organizationID = OrganizationID(rawValue: id)
            let (organization, links) = try await options.withStore { store in
                guard let organization = try await store.organization(id: organizationID) else {
                    throw StoreError.organizationNotFound(id: id)
                }
                return (organization, try await store.links(of: organizationID))
            }
            if json {
                try JSONOutput.print(OrganizationSummary(organization, links: links))
                return
            }
            print(ProfileText.render(organization.profile))
            print("Links:")
            for link in links {
                print("  " + LinkText.render(link))
            }
        }
    }
}

/// An organization as the CLI prints it in JSON.
struct OrganizationSummary: Encodable {
    let id: Int64
    let profile: ClinicProfile
    let createdAt: Date
    let links: [LinkDocument]?

    init(_ organization: Organization, links: [PracticeLink]?) {
        self.id = organization.id.rawValue
        self.profile = organization.profile
        self.createdAt = organization.createdAt
        self.links = links?.map(LinkDocument.init)
    }
}

extension ProfileError {
    /// The CLI option that carries the field the error is about.
    var optionName: String {
        switch self {
        case .empty(let field), .tooLong(let field, _), .invalid(let field, _): field
        }
    }
}
