import ArgumentParser
import Foundation
import SpruceCore
import SpruceDelivery
import SpruceStore

extension InviteCommand {
    struct Send: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Invite one recipient by email and/or text.")

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var target: InvitationTargetOptions
        @OptionGroup var delivery: DeliveryOptions

        @Option(help: "The recipient's email address.")
        var email: String?

        @Option(help: "The recipient's phone number (E.164, or national to --default-country).")
        var phone: String?

        @Option(help: "The recipient's name, used in the greeting and the To: header.")
        var name: String?

        @Flag(help: "Revoke a still-valid invitation to the same recipient and send a new one.")
        var resend = false

        func run() async throws {
            let code = try target.linkCode()
            let personalMessage = try target.personalMessage()
            guard email != nil || phone != nil else { throw UsageError("--email or --phone is required") }
            let recipient: InvitationRecipient
            do {
                recipient = try InvitationRecipient.validated(
                    name: name, email: email, phone: phone, defaultRegion: target.defaultCountry)
            } catch {
                throw UsageError("--\(error.field == "recipient" ? "email" : error.field): \(error.rule)")
            }
            do { _ = try recipient.deliveryChannels(for: target.channels) } catch {
                throw UsageError("--\(error.field) is required with --via \(target.via.rawValue)")
            }
            let outcome = try await database.withStore { store in
                var dispatcher = try await delivery.dispatcher(store: store)
                dispatcher.personalMessage = personalMessage
                let practice = try await target.practiceName(code, store: store)
                return await dispatcher.send(
                    link: code, practiceName: practice, recipient: recipient, requested: target.channels,
                    resend: resend)
            }
            switch outcome {
            case .sent(let record, let warnings):
                for warning in warnings { Terminal.printError("Warning: \(warning)") }
                let channels = record.channels.map(\.rawValue).joined(separator: ", ")
                print(
                    "Invited \(InviteText.recipient(record.invitation.recipient)) (invitation \(record.invitation.id)) by \(channels)"
                )
            case .skipped(let reason):
                Terminal.printError("Skipped: \(InviteText.skipped(reason))")
            case .failed(let reason):
                throw OperationalError(reason)
            }
        }
    }
}

/// How the CLI prints invitations.
enum InviteText {
    /// Why a recipient was skipped, with the flag that changes it where there is one.
    static func skipped(_ reason: InvitationDispatcher.SkipReason) -> String {
        guard case .refused(.alreadyInvited) = reason else { return reason.description }
        return reason.description + "; --resend sends a new one"
    }

    static func recipient(_ recipient: InvitationRecipient) -> String {
        [recipient.email, recipient.phone].compactMap { $0 }.joined(separator: " / ")
    }
}
