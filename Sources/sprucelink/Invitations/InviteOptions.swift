import ArgumentParser
import Foundation
import SpruceCore
import SpruceDelivery
import SpruceQR
import SpruceStore

/// Where and how messages are delivered (the outbox, or sendmail for emails) and who sends them: shared by the
/// invitation commands and `serve` (account codes and notices).
struct MessageDeliveryOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The outbox folder: a Maildir for emails, texts.jsonl for texts.", valueName: "dir"))
    var outbox: String = "./outbox"

    @Option(
        help: ArgumentHelp(
            "Deliver emails through this sendmail-compatible command instead of the outbox (texts stay in the outbox).",
            valueName: "command"))
    var sendmail: String?

    @Option(help: ArgumentHelp("The sender, \"Name <address>\".", valueName: "mailbox"))
    var from: String = "Spruce <invitations@spruce.care>"

    /// The sender, or a ``UsageError`` naming `--from`.
    func sender() throws -> MailboxAddress {
        do { return try MailboxAddress(parsing: from, field: "--from") } catch { throw UsageError(error.description) }
    }

    /// Where emails go, or a ``UsageError`` naming `--sendmail`.
    func emailRoute() throws -> InvitationDispatcher.EmailRoute {
        guard let sendmail else { return .outbox }
        let transport: SendmailTransport
        do { transport = try SendmailTransport(command: sendmail) } catch {
            throw UsageError("--sendmail: \(error.rule)")
        }
        // A command that exits without reading its input must not kill us with SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        return .sendmail(transport)
    }

    /// Opens (creating) the outbox folder.
    func openOutbox() async throws -> Outbox {
        do { return try await Outbox.make(directory: outbox) } catch { throw OperationalError("--outbox: \(error)") }
    }
}

/// Where and how invitation messages are delivered; shared by `send`, `batch` and `remind`.
struct DeliveryOptions: ParsableArguments {
    @OptionGroup var messages: MessageDeliveryOptions

    @Option(help: ArgumentHelp("The public base URL of invitation links.", valueName: "url"))
    var publicURL: String = "https://spruce.care"

    @Option(help: ArgumentHelp("A folder whose *.mustache files replace the bundled templates.", valueName: "dir"))
    var templateDir: String?

    @Option(help: ArgumentHelp("Who is sending, recorded with each invitation (default: $USER).", valueName: "name"))
    var invitedBy: String?

    /// Builds the dispatcher, or throws a ``UsageError`` naming the bad option.
    func dispatcher(store: SpruceStore) async throws -> InvitationDispatcher {
        let sender = try messages.sender()
        guard let url = URL(string: publicURL), let scheme = url.scheme?.lowercased(),
            scheme == "https" || scheme == "http",
            url.host?.isEmpty == false
        else { throw UsageError("--public-url: \"\(publicURL)\" must be an http(s) URL with a host") }
        let templates: InvitationTemplates
        do { templates = try await InvitationTemplates.read(overridesIn: templateDir) } catch {
            throw UsageError("--template-dir: \(error.rule)")
        }
        let route = try messages.emailRoute()
        let outbox = try await messages.openOutbox()
        #if DEBUG
            let afterDelivery = CrashHook.fromEnvironment()
        #else
            let afterDelivery: (@Sendable () -> Void)? = nil
        #endif
        return try await InvitationDispatcher(
            store: store, outbox: outbox, emailRoute: route, from: sender, publicURL: publicURL,
            templates: templates,
            invitedBy: invitedBy ?? ProcessInfo.processInfo.environment["USER"] ?? "sprucelink",
            renderQR: Self.renderQR, afterDelivery: afterDelivery)
    }

    /// The invitation link's QR code as PNG, rendered with SpruceQR: the link with the scan marker (``ScanMarker``),
    /// so that a camera pointed at the email counts as a scan.
    @Sendable static func renderQR(_ link: String) throws -> [UInt8] {
        var text = link
        if let marker = link.range(of: "/i/", options: .backwards),
            let token = try? InvitationToken(String(link[marker.upperBound...]))
        {
            text = ScanMarker.codeText(for: .invitation(token), origin: String(link[..<marker.lowerBound]))
        }
        let code = try QRCode(text: text)
        return try PNGRenderer(options: RenderOptions(scale: 6, margin: 4), compression: .smallest).render(code)
    }
}

/// Options for commands that make invitations: the link, the channels, the phone region.
struct InvitationTargetOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The practice link the invitations are bound to.", valueName: "code"))
    var link: String

    @Option(help: "How to deliver: email, text, or both (whichever addresses the recipient has).")
    var via: InviteVia = .email

    @Option(help: ArgumentHelp("The region of phone numbers written without +country code.", valueName: "region"))
    var defaultCountry: String = "US"

    @Option(
        help: ArgumentHelp(
            "A personal message quoted in the email and the text (\(PersonalMessage.rule)).", valueName: "text"))
    var message: String?

    /// The `--message`, validated; a ``UsageError`` naming `--message` with the rule it broke.
    func personalMessage() throws -> PersonalMessage? {
        do { return try PersonalMessage.validated(message) } catch { throw UsageError("--message: \(error.rule)") }
    }

    var channels: [InvitationChannel] {
        switch via {
        case .email: [.email]
        case .text: [.text]
        case .both: [.email, .text]
        }
    }

    func linkCode() throws -> LinkCode {
        guard PhoneNumber.isSupportedRegion(defaultCountry) else {
            throw UsageError(
                "--default-country: \(defaultCountry) is not a region with a numbering plan (e.g. US, GB, DE)")
        }
        do { return try LinkCode(link) } catch { throw UsageError("--link: \(error.description)") }
    }

    /// The link's practice name; an unknown or disabled link is an operational failure.
    func practiceName(_ code: LinkCode, store: SpruceStore) async throws -> String {
        guard let link = try await store.link(code: code) else {
            throw OperationalError("--link: no link with that code")
        }
        guard link.status == .active else { throw OperationalError("--link: the link is disabled") }
        guard let organization = try await store.organization(id: link.organizationID) else {
            throw OperationalError("--link: the link's organization is missing")
        }
        return organization.profile.displayName
    }
}

/// A failure of the operation rather than of the input: one `Error: …` line, exit status 1.
struct OperationalError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
