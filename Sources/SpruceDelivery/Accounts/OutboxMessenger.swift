import Foundation
import NIOPosix
import SpruceCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Delivers account messages (verification and reset codes, notices to owners) the way invitations are
/// delivered: an email into the outbox's Maildir (written to `tmp/`, then renamed into `new/`) or through
/// `sendmail`, a text as one line of `texts.jsonl`. Blocking work runs on `threadPool`.
public struct OutboxMessenger: AccountMessenger {
    public let outbox: Outbox
    public let emailRoute: InvitationDispatcher.EmailRoute
    public let from: MailboxAddress
    /// The site named in messages, e.g. `https://spruce.care`.
    public let publicURL: String
    public let threadPool: NIOThreadPool

    public init(
        outbox: Outbox,
        emailRoute: InvitationDispatcher.EmailRoute = .outbox,
        from: MailboxAddress,
        publicURL: String,
        threadPool: NIOThreadPool = .singleton
    ) {
        self.outbox = outbox
        self.emailRoute = emailRoute
        self.from = from
        self.publicURL = publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
        self.threadPool = threadPool
    }

    public func deliver(_ message: AccountMessage) async throws {
        let (outbox, route, from, site) = (outbox, emailRoute, from, publicURL)
        switch message.to {
        case .email(let address):
            let to = MailboxAddress(displayName: message.name, email: try EmailAddress(parsing: address))
            let isOutbox: Bool
            if case .outbox = route { isOutbox = true } else { isOutbox = false }
            let bytes = AccountEmail.build(
                message, from: from, to: to, site: site, lineBreak: isOutbox ? "\n" : "\r\n")
            try await threadPool.runIfActive {
                switch route {
                case .outbox: try outbox.deliverAccountEmail(bytes)
                case .sendmail(let transport): try transport.send(bytes)
                }
            }
        case .phone(let number):
            let record = TextRecord(
                accountMessage: Self.kind(message.kind), to: number,
                message: TextMessage(body: message.textBody(site: site)),
                createdAt: Date())
            try await threadPool.runIfActive { try outbox.appendAccountText(record.jsonLine()) }
        }
    }

    static func kind(_ kind: AccountMessage.Kind) -> String {
        switch kind {
        case .signupCode: "signup-code"
        case .signupAttempt: "signup-attempt"
        case .resetCode: "reset-code"
        case .failedLogins: "failed-logins"
        }
    }
}

extension Outbox {
    /// Writes an account email completely into `tmp/`, then renames it into `new/` (the Maildir protocol). Its
    /// name is not an invitation's (`SA…` instead of `SL…`), so the outbox index leaves it alone.
    public func deliverAccountEmail(_ bytes: [UInt8]) throws(DeliveryError) {
        let now = Date().timeIntervalSince1970
        let micro = Int((now - now.rounded(.down)) * 1_000_000)
        let name = "\(Int(now)).SA\(Self.accountSequence.next())M\(micro)P\(getpid()).\(SpoolName.hostName)"
        let spooled = tmp + "/" + name
        try write(bytes, to: spooled, flags: O_WRONLY | O_CREAT | O_EXCL)
        guard rename(spooled, new + "/" + name) == 0 else { throw .system("cannot deliver", spooled, errno) }
    }

    /// Appends one account text line to `texts.jsonl` in one `write`.
    public func appendAccountText(_ line: [UInt8]) throws(DeliveryError) {
        try write(line, to: textsFile, flags: O_WRONLY | O_CREAT | O_APPEND)
    }

    private static let accountSequence = AtomicCounter()
}
