import Foundation
import NIOPosix
import SpruceCore
import SpruceStore

/// Sends invitations: records each in the store, renders its messages, and delivers them exactly once into the
/// ``Outbox`` (or through `sendmail`), resuming cleanly after a crash. QR codes come from the caller's `renderQR`
/// closure, so the delivery module does not depend on SpruceQR.
///
/// Every blocking step (file writes, `fsync`/`syncfs`, running `sendmail` and waiting for it) runs on
/// ``threadPool``, never on Swift's cooperative pool, so a slow disk or MTA does not stall other tasks.
///
/// ## Crash safety (exactly once)
/// For each recipient, in this order:
/// 1. one transaction records the invitation (`SpruceStore.prepareInvitations`, the one invitation operation);
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
        case skipped(SkipReason)
        case failed(reason: String)
    }

    /// Why a recipient was skipped: nothing was sent, and nothing is wrong with the input.
    public enum SkipReason: Sendable, Equatable, CustomStringConvertible {
        /// The store's invitation rules refused (opted out, already invited).
        case refused(InvitationRefusal)
        /// A reminder for an invitation no longer pending, or already reminded.
        case notPending

        public var description: String {
            switch self {
            case .refused(let refusal): refusal.description
            case .notPending: "no longer pending, or already reminded"
            }
        }
    }

    public let store: SpruceStore
    public let outbox: Outbox
    public let emailRoute: EmailRoute
    public let from: MailboxAddress
    /// The host part of invitation links, e.g. `https://spruce.care`.
    public let publicURL: String
    public let templates: InvitationTemplates
    /// Who is sending, recorded with each invitation (a copy per sender: the workspace sets the member's email).
    public var invitedBy: String?
    /// The practice's message quoted in every email and text this dispatcher renders (a copy per sender, like
    /// ``invitedBy``: the CLI's `--message`, the workspace's message field). Reminders and resends do not repeat
    /// it: it is not stored.
    public var personalMessage: PersonalMessage?
    public let lifetime: TimeInterval
    /// The threads that do the blocking work.
    public let threadPool: NIOThreadPool
    let renderQR: @Sendable (String) throws -> [UInt8]
    let afterDelivery: (@Sendable () -> Void)?
    let index: OutboxIndex

    /// Reads the outbox's index (on `threadPool`) so that a re-run knows what an earlier run delivered.
    /// - Parameters:
    ///   - threadPool: where blocking work runs; NIO's shared pool for blocking I/O by default.
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
        threadPool: NIOThreadPool = .singleton,
        renderQR: @escaping @Sendable (String) throws -> [UInt8],
        afterDelivery: (@Sendable () -> Void)? = nil
    ) async throws {
        self.store = store
        self.outbox = outbox
        self.emailRoute = emailRoute
        self.from = from
        self.publicURL = publicURL
        self.templates = templates
        self.invitedBy = invitedBy
        self.lifetime = lifetime
        self.threadPool = threadPool
        self.renderQR = renderQR
        self.afterDelivery = afterDelivery
        self.index = try await threadPool.runIfActive { outbox.index() }
    }

    /// Invites `recipient` to the practice of `link` on the `requested` channels that the recipient has an
    /// address for (both → whichever exist; one channel → its address is required).
    public func send(
        link: LinkCode,
        practiceName: String,
        recipient: InvitationRecipient,
        requested: [InvitationChannel],
        resend: Bool = false,
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date()
    ) async -> Outcome {
        let channels: [InvitationChannel]
        do { channels = try recipient.deliveryChannels(for: requested) } catch {
            return .failed(reason: error.description)
        }
        do {
            let preparation = try await store.prepareInvitation(
                link: link, recipient: recipient, channels: channels, invitedBy: invitedBy, resend: resend,
                lifetime: lifetime, in: scope, at: now)
            switch preparation {
            case .optedOut(let address):
                return .skipped(.refused(.optedOut(address: address)))
            case .alreadyInvited(let record):
                return .skipped(.refused(.alreadyInvited(record.invitation.id)))
            case .created(let record, let token):
                let warnings = try await deliver(
                    record, channels: record.channels, token: token, practiceName: practiceName)
                return .sent(record, warnings: warnings)
            case .undelivered(let record):
                let warnings = try await resume(record, practiceName: practiceName)
                return .sent(record, warnings: warnings)
            }
        } catch {
            return .failed(reason: String(describing: error))
        }
    }

    /// Sends one reminder for a delivered, pending invitation, with a fresh token (the first link stops working:
    /// tokens are stored only as digests, so the first one cannot be repeated). At most once: the reminder is
    /// recorded with the new token, before delivery.
    public func remind(_ record: InvitationRecord, practiceName: String, at now: Date = Date()) async -> Outcome {
        do {
            guard let token = try await store.rekeyInvitation(id: record.invitation.id, reminder: true, at: now) else {
                return .skipped(.notPending)
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
        let (delivered, remaining) = try await outboxState(of: record)
        try await store.markDelivered(delivered)
        if remaining.allSatisfy({ index.spooled[OutboxIndex.Key(id, $0)] != nil }) {
            for channel in remaining {
                if let name = index.spooled[OutboxIndex.Key(id, channel)] {
                    try await deliverSpooled(name, marks: true)
                }
            }
            return []
        }
        let stale = remaining.compactMap { index.spooled[OutboxIndex.Key(id, $0)] }
        try await blocking { for name in stale { outbox.discard(name) } }
        guard let token = try await store.rekeyInvitation(id: id) else {
            throw DeliveryError("invitation \(id) is no longer pending")
        }
        return try await deliver(record, channels: remaining, token: token, practiceName: practiceName)
    }

    /// A recorded invitation's undelivered channels sorted by what the outbox holds: those a previous run delivered
    /// but did not mark (their leftover spool files removed), and those still to deliver.
    func outboxState(
        of record: InvitationRecord
    ) async throws -> (delivered: [OutboxIndex.Key], remaining: [InvitationChannel]) {
        var delivered: [OutboxIndex.Key] = []
        var remaining: [InvitationChannel] = []
        for channel in record.undeliveredChannels {
            let key = OutboxIndex.Key(record.invitation.id, channel)
            if index.delivered.contains(key) { delivered.append(key) } else { remaining.append(channel) }
        }
        let leftovers = delivered.compactMap { index.spooled[$0] }
        if !leftovers.isEmpty { try await blocking { [outbox] in for name in leftovers { outbox.discard(name) } } }
        return (delivered, remaining)
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
        let messages = rendered.messages
        try await blocking { for message in messages { try outbox.spool(message.bytes, as: message.name) } }
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
            link: InvitationContent.link(for: token, publicURL: publicURL), expiresAt: invitation.expiresAt,
            connectCode: ConnectCode.derived(from: token).formatted, personalMessage: personalMessage)
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
        let (outbox, route) = (outbox, emailRoute)
        try await blocking { try Self.deliver(name, from: outbox, route: route, syncsText: true) }
        afterDelivery?()
        if marks { try await store.markDelivered(name.invitationID, channel: name.channel) }
    }

    /// Delivers one spooled message (blocking: call it on ``threadPool``): an email renamed into `new/` or piped
    /// to sendmail, a text appended to `texts.jsonl`. With `syncsText` the text's line is synced and its spool
    /// file removed; without, both are left to the caller's one flush for a chunk.
    static func deliver(_ name: SpoolName, from outbox: Outbox, route: EmailRoute, syncsText: Bool) throws {
        switch (name.channel, route) {
        case (.email, .outbox):
            try outbox.deliverEmail(name)
        case (.email, .sendmail(let transport)):
            try transport.send(try outbox.spooledBytes(name))
            outbox.discard(name)
        case (.text, _):
            if syncsText { try outbox.deliverText(name) } else { try outbox.appendText(name) }
        }
    }

    /// Runs blocking `work` on ``threadPool`` and waits for it without holding a cooperative thread.
    func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(work)
    }
}
