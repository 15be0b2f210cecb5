import ArgumentParser
import SpruceCore
import SprucePrint
import SpruceStore

/// The checked options of one `sprucelink flyer` run.
struct FlyerRequest {
    enum Target {
        case link(LinkCode)
        case organization(OrganizationID)
    }

    let target: Target
    let document: PrintDocument
    let headline: String
    let output: String
    let origin: String

    /// - Throws: ``UsageError`` naming the option and the rule for the first bad value.
    init(_ command: FlyerCommand) throws(UsageError) {
        let layout = try Self.choice(command.layout ?? "poster", option: "--layout", allowed: PrintLayout.allowed) {
            PrintLayout(rawValue: $0)
        }
        let paper = try Self.choice(command.paper ?? "letter", option: "--paper", allowed: Paper.allowed) {
            Paper(rawValue: $0)
        }
        do {
            headline = try PrintRules.headline(command.headline)
        } catch {
            throw UsageError("--\(error.description)")
        }
        let language = command.language ?? "en"
        guard PrintDocument.isLanguageTag(language) else {
            throw UsageError("--language '\(language)' is not a language tag such as en or fr-CA")
        }
        document = PrintDocument(layout: layout, paper: paper, language: language)

        var origin = command.publicURL ?? "https://spruce.care"
        while origin.hasSuffix("/") { origin.removeLast() }
        do {
            try PrintContent.validate(url: origin)
        } catch {
            throw UsageError("--public-url '\(command.publicURL ?? "")': \(error.description)")
        }
        self.origin = origin

        guard let output = command.output, !output.isEmpty else {
            throw UsageError("--output is required: give the PDF file to write")
        }
        guard output.lowercased().hasSuffix(".pdf") else {
            throw UsageError("--output '\(output)' must end in .pdf")
        }
        self.output = output

        switch (command.code, command.org, command.allLinks) {
        case (let code?, nil, false):
            do { target = .link(try LinkCode(code)) } catch { throw UsageError("code '\(code)': \(error.description)") }
        case (_?, _, _):
            throw UsageError("give a link code or --org ID --all-links, not both")
        case (nil, let org?, true):
            guard let id = Int64(org), id > 0 else { throw UsageError("--org '\(org)' is not an organization id") }
            target = .organization(OrganizationID(rawValue: id))
        case (nil, _?, false):
            throw UsageError("--org needs --all-links (or give a link code instead)")
        case (nil, nil, true):
            throw UsageError("--all-links needs --org ID")
        case (nil, nil, false):
            throw UsageError("missing link code: give a code, or --org ID --all-links")
        }
    }

    /// The links to print, checked against the layout's rules before anything is written.
    func contents(from store: SpruceStore) async throws -> [PrintContent] {
        let links: [PracticeLink]
        let organization: Organization?
        switch target {
        case .link(let code):
            guard let link = try await store.link(code: code) else {
                Terminal.printError("Error: no link has the code '\(code.rawValue)'")
                throw ExitCode(FlyerCommand.Status.notFound.rawValue)
            }
            guard link.status == .active else {
                Terminal.printError("Error: link '\(code.rawValue)' is disabled: disabled links are not printed")
                throw ExitCode(FlyerCommand.Status.disabled.rawValue)
            }
            links = [link]
            organization = try await store.organization(id: link.organizationID)
        case .organization(let id):
            guard let found = try await store.organization(id: id) else {
                Terminal.printError("Error: --org \(id.rawValue): no organization has this id")
                throw ExitCode(FlyerCommand.Status.notFound.rawValue)
            }
            organization = found
            links = try await store.links(of: id).filter { $0.status == .active }
            guard !links.isEmpty else {
                Terminal.printError("Error: --org \(id.rawValue): the organization has no active links")
                throw ExitCode.failure
            }
        }
        guard let organization else {
            Terminal.printError("Error: the link's organization is missing")
            throw ExitCode.failure
        }
        do {
            return try links.map { link throws(PrintError) in
                let content = try PrintContent(
                    link: link, profile: organization.profile, origin: origin, headline: headline)
                try document.check(content)
                return content
            }
        } catch {
            Terminal.printError("Error: \(error.description)")
            throw ExitCode.failure
        }
    }

    private static func choice<T>(
        _ text: String, option: String, allowed: String, _ make: (String) -> T?
    ) throws(UsageError) -> T {
        guard let value = make(text.lowercased()) else {
            throw UsageError("\(option) '\(text)' is not one of: \(allowed)")
        }
        return value
    }
}
