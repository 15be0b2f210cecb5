import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

struct ResolveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Resolve scanned or typed text to the practice's public profile.",
        discussion: """
            Accepts whatever a camera or a person hands over: with or without a scheme, any case, www., \
            a trailing slash, a query and a fragment. Exit status:
              0  found
              3  no link with that code (404)
              4  the link is disabled (410)
              5  the invitation has expired (410)
              6  the invitation has already been accepted (410)
              7  the invitation was revoked (410)
              8  the text is not a Spruce link (the reason is printed)
              1  any other failure (for example the database cannot be opened)
            """
    )

    /// The exit status of each outcome, as documented in the discussion above.
    enum Status: Int32 {
        case notFound = 3
        case disabled, invitationExpired, invitationAccepted, invitationRevoked, unparseable

        init?(_ resolution: Resolution) {
            switch resolution {
            case .found: return nil
            case .notFound: self = .notFound
            case .disabled: self = .disabled
            case .invitationExpired: self = .invitationExpired
            case .invitationAccepted: self = .invitationAccepted
            case .invitationRevoked: self = .invitationRevoked
            }
        }
    }

    @OptionGroup var options: DatabaseOptions

    @Argument(help: "The scanned text, e.g. \"HTTPS://WWW.Spruce.Care/4827163/?utm_source=flyer\".")
    var text: String

    @Option(name: .customLong("host"), help: "A host to accept besides spruce.care and spruce.app (repeatable).")
    var extraHosts: [String] = []

    @Flag(help: "Print the outcome as JSON.")
    var json = false

    func run() async throws {
        let scanned: ScannedLink
        do {
            scanned = try ScannedLink.parse(text, hosts: ScannedLink.defaultHosts + extraHosts)
        } catch {
            if json { try JSONOutput.print(ResolveFailure(outcome: "unparseable", message: error.description)) }
            Terminal.printError("not a Spruce link: \(error.description)")
            throw ExitCode(Status.unparseable.rawValue)
        }
        let resolution = try await options.withStore { store in
            switch scanned.target {
            case .practice(let code): try await store.resolve(code: code)
            case .invitation(let token): try await store.resolve(invitation: token)
            }
        }
        guard case .found(let link, let profile, let invitation) = resolution, Status(resolution) == nil else {
            if json { try JSONOutput.print(ResolveFailure(outcome: resolution.outcome, message: resolution.message)) }
            Terminal.printError(resolution.message)
            throw ExitCode(Status(resolution)?.rawValue ?? 1)
        }
        if json {
            try JSONOutput.print(
                ResolvedOutput(
                    outcome: resolution.outcome, url: LinkText.url(for: link.code), code: link.code.rawValue,
                    isInvitation: invitation != nil, profile: profile, attribution: scanned.attribution
                )
            )
        } else {
            print(ProfileText.render(profile))
            print("  Link: \(LinkText.url(for: link.code))\(invitation == nil ? "" : " (personal invitation)")")
        }
    }
}

/// What `resolve --json` prints for a found link: public data only.
private struct ResolvedOutput: Encodable {
    let outcome: String
    let url: String
    let code: String
    let isInvitation: Bool
    let profile: ClinicProfile
    let attribution: ScannedLink.Attribution
}

private struct ResolveFailure: Encodable {
    let outcome: String
    let message: String
}
