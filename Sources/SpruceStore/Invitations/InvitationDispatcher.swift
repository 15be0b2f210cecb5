import Foundation
import SpruceCore

/// Sends invitations: records each in the store, renders its messages, and delivers them exactly once into the
/// ``Outbox`` (or through `sendmail`), resuming cleanly after a crash. Store-level glue: QR codes come from the
/// caller's `renderQR` closure, so neither Core nor the store depends on SpruceQR.
///
/// ## Crash safety (exactly once)
/// For each recipient, in this order:
/// 1. one transaction records the invitation (``SpruceStore/prepareInvitation(link:recipient:channels:invitedBy:resend:lifetime:at:)``);
/// 2. every channel's message is rendered and **spooled** complete into the outbox's `tmp/`;
/// 3. each message is delivered (renamed into `new/`, or appended to `texts.jsonl`, or piped to sendmail);
/// 4. the store marks that channel delivered.
///
/// A re-run meets a recorded-but-unmarked invitation as ``InvitationPreparation/undelivered(_:)`` and looks at
/// the outbox (``OutboxIndex``): a message already in `new/`/`cur/`/`texts.jsonl` is only marked; a spooled one
/// is delivered from the spool, with the token it was rendered with; if nothing was spooled (the crash came
/// between steps 1 and 2, so nothing was sent), the invitation gets a fresh token (the raw token is stored
/// nowhere) and is rendered again. With `sendmail` the MTA cannot be asked what it received: a crash between its
/// exit and step 4 sends that one message again on the re-run (at least once, for that window only).
public struct InvitationDispatcher: Sendable {
    /// Where emails go.
    public enum EmailRoute: Sendable {
        case outbox
        case sendmail(SendmailTransport)
    }

    /// What happened to one recipient.
    public enum Outcome: Sendable {
        case sent(InvitationRecord, warnings: [String])
        case skipped(reason: String)
        case failed(reason: String)
    }

    public let store: SpruceStore
    public let outbox: Outbox
    public let emailRoute: EmailRoute
    public let from: MailboxAddress
    /// The host part of invitation links, e.g. `https://spruce.care`.
    public let publicURL: String
    public let templates: InvitationTemplates
    public let invitedBy: String?
    public let lifetime: TimeInterval
    let renderQR: @Sendable (String) throws -> [UInt8]
    let afterDelivery: (@Sendable () -> Void)?
    let index: OutboxIndex

    /// - Parameters:
    ///   - renderQR: the PNG of a QR code for a link.
    ///   - afterDelivery: called after each message is delivered and before it is marked (a test hook: the
    ///     CLI's `SPRUCELINK_TEST_CRASH_AFTER` kills the process here, the worst moment).
    public init(
        store: SpruceStore,
        outbox: Outbox,
        emailRoute: EmailRoute = .outbox,
        from: MailboxAddress,
        publicURL: String,
        templates: InvitationTemplates,
        invitedBy: String?,
        lifetime: TimeInterval = Invitation.defaultLifetime,
        renderQR: @escaping @Sendable (String) throws -> [UInt8],
        afterDelivery: (@Sendable () -> Void)? = nil
    ) {
        self.store = store
        self.outbox = outbox
        self.emailRoute = emailRoute
        self.from = from
        self.publicURL = publicURL
        self.templates = templates
        self.invitedBy = invitedBy
        self.lifetime = lifetime
        self.renderQR = renderQR
        self.afterDelivery = afterDelivery
        self.index = outbox.index()
    }

    /// Invites `recipient` to the practice of `link` on the `requested` channels that the recipient has an
    /// address for (both → whichever exist; one channel → its address is required).
    public func send(
        link: LinkCode,
        practiceName: String,
        recipient: InvitationRecipient,
        requested: [InvitationChannel],
        resend: Bool = false,
        at now: Date = Date()
    ) async -> Outcome {
        let channels: [InvitationChannel]
        switch Self.channels(for: recipient, requested: requested) {
        case .success(let chosen): channels = chosen
        case .failure(let reason): return .failed(reason: reason.description)
        }
        do {
            let preparation = try await store.prepareInvitation(
                link: link, recipient: recipient, channels: channels, invitedBy: invitedBy, resend: resend,
                lifetime: lifetime, at: now)
            switch preparation {
            case .optedOut(let address):
                return .skipped(reason: "\(address) opted out of invitations")
            case .alreadyInvited(let record):
                return .skipped(reason: "already invited (invitation \(record.invitation.id)); --resend sends a new one")
            case .created(let record, let token):
                let warnings = try await deliver(record, channels: record.channels, token: token, practiceName: practiceName)
                return .sent(record, warnings: warnings)
            case .undelivered(let record):
                let warnings = try await resume(record, practiceName: practiceName)
                return .sent(record, warnings: warnings)
            }
        } catch {
            return .failed(reason: String(describing: error))
        }
    }

    /// The `requested` channels that `recipient` has an address for, or why there are none.
    static func channels(
        for recipient: InvitationRecipient,
        requested: [InvitationChannel]
    ) -> Result<[InvitationChannel], DeliveryError> {
        let channels = requested.filter { channel in
            channel == .email ? recipient.email != nil : recipient.phone != nil
        }
        if requested.count == 1, channels.isEmpty {
            return .failure(DeliveryError(
                requested[0] == .email ? "email: is needed to invite by email" : "phone: is needed to invite by text"))
        }
        guard !channels.isEmpty else { return .failure(DeliveryError("recipient: has no address for the chosen channels")) }
        return .success(Array(Set(channels)).sorted())
    }

    /// Sends one reminder for a delivered, pending invitation, with a fresh token (the first link stops working:
    /// tokens are stored only as digests, so the first one cannot be repeated). At most once: the reminder is
    /// recorded with the new token, before delivery.
    public func remind(_ record: InvitationRecord, practiceName: String, at now: Date = Date()) async -> Outcome {
        do {
            guard let token = try await store.rekeyInvitation(id: record.invitation.id, reminder: true, at: now) else {
                return .skipped(reason: "no longer pending, or already reminded")
            }
            let warnings = try await deliver(
                record, channels: record.channels, token: token, practiceName: practiceName, marks: false)
            return .sent(record, warnings: warnings)
        } catch {
            return .failed(reason: String(describing: error))
        }
    }

    /// Finishes a recorded invitation from what the outbox holds.
    private func resume(_ record: InvitationRecord, practiceName: String) async throws -> [String] {
        let id = record.invitation.id
        var remaining: [InvitationChannel] = []
        for channel in record.undeliveredChannels {
            let key = OutboxIndex.Key(id, channel)
            if index.delivered.contains(key) {
                if let spooled = index.spooled[key] { outbox.discard(spooled) }
                try await store.markDelivered(id, channel: channel)
            } else {
                remaining.append(channel)
            }
        }
        if remaining.allSatisfy({ index.spooled[OutboxIndex.Key(id, $0)] != nil }) {
            for channel in remaining {
                if let name = index.spooled[OutboxIndex.Key(id, channel)] {
                    try await deliverSpooled(name, marks: true)
                }
            }
            return []
        }
        for channel in remaining {
            if let name = index.spooled[OutboxIndex.Key(id, channel)] { outbox.discard(name) }
        }
        guard let token = try await store.rekeyInvitation(id: id) else {
            throw DeliveryError("invitation \(id) is no longer pending")
        }
        return try await deliver(record, channels: remaining, token: token, practiceName: practiceName)
    }

    /// Renders and spools every channel's message, then delivers (and marks) each.
    private func deliver(
        _ record: InvitationRecord,
        channels: [InvitationChannel],
        token: InvitationToken,
        practiceName: String,
        marks: Bool = true
    ) async throws -> [String] {
        let rendered = try render(record, channels: channels, token: token, practiceName: practiceName)
        for message in rendered.messages { try outbox.spool(message.bytes, as: message.name) }
        for message in rendered.messages { try await deliverSpooled(message.name, marks: marks) }
        return rendered.warnings
    }

    /// Every channel's message for `record` with `token`, named for the spool, and the text warnings.
    /// - Parameter qrPNG: the link's QR code when it was rendered beforehand; rendered here when `nil`.
    func render(
        _ record: InvitationRecord,
        channels: [InvitationChannel],
        token: InvitationToken,
        practiceName: String,
        qrPNG: [UInt8]? = nil
    ) throws -> (messages: [(name: SpoolName, bytes: [UInt8])], warnings: [String]) {
        let invitation = record.invitation
        let content = InvitationContent(
            practiceName: practiceName, recipientName: invitation.recipient.name,
            link: InvitationContent.link(for: token, publicURL: publicURL), expiresAt: invitation.expiresAt)
        var messages: [(name: SpoolName, bytes: [UInt8])] = []
        var warnings: [String] = []
        for channel in channels {
            let name = SpoolName(invitationID: invitation.id, channel: channel)
            switch channel {
            case .email:
                guard let email = invitation.recipient.email else { throw DeliveryError("no email address") }
                let to = MailboxAddress(
                    displayName: invitation.recipient.name, email: try EmailAddress(parsing: email))
                let png = try qrPNG ?? renderQR(content.link)
                let message = InvitationEmail.build(
                    content: content, from: from, to: to, qrPNG: png, templates: templates,
                    uniqueID: "inv-\(invitation.id)", lineBreak: "\n")
                messages.append((name, message.bytes))
            case .text:
                guard let phone = invitation.recipient.phone else { throw DeliveryError("no phone number") }
                let message = templates.textMessage(content)
                if let warning = message.warning { warnings.append(warning) }
                let record = TextRecord(invitationID: invitation.id, to: phone, message: message, createdAt: Date())
                messages.append((name, record.jsonLine()))
            }
        }
        return (messages, warnings)
    }

    private func deliverSpooled(_ name: SpoolName, marks: Bool) async throws {
        switch (name.channel, emailRoute) {
        case (.email, .outbox):
            try outbox.deliverEmail(name)
        case (.email, .sendmail(let transport)):
            try transport.send(try outbox.spooledBytes(name))
            outbox.discard(name)
        case (.text, _):
            try outbox.deliverText(name)
        }
        afterDelivery?()
        if marks { try await store.markDelivered(name.invitationID, channel: name.channel) }
    }
}
