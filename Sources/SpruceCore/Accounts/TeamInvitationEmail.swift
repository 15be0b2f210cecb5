import Foundation

/// The email that invites someone to a practice's team: a link to set a password, single-use and expiring.
public enum TeamInvitationEmail {
    /// The message's bytes.
    /// - Parameters:
    ///   - practiceName: the organization joined.
    ///   - inviterName: the admin who invited.
    ///   - link: `<publicURL>/join/<token>`.
    ///   - lineBreak: `\r\n` (the wire form) or `\n` (a Maildir file).
    public static func build(
        practiceName: String, inviterName: String, from: MailboxAddress, to: MailboxAddress, link: String,
        expiresAt: Date, date: Date = Date(), lineBreak: String = "\r\n"
    ) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next(), radix: 36)
        let domain = from.email.asciiAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        let subject = "Join \(practiceName) on Spruce"
        let text = """
            Hello\(to.displayName.map { " " + $0 } ?? ""),

            \(inviterName) invited you to the team of \(practiceName) on Spruce.
            Set your password to join:

            \(link)

            The link works once and until \(InvitationContent.rfc5322Date(expiresAt)).
            If you did not expect this, ignore this email.

            """
        let br = lineBreak
        var message = from.header("From", lineBreak: br)
        message += to.header("To", lineBreak: br)
        message += MIMEEncoding.unstructuredHeader("Subject", subject, lineBreak: br)
        message += "Date: " + InvitationContent.rfc5322Date(date) + br
        message += "Message-ID: <team.\(random)@\(domain)>" + br
        message += "MIME-Version: 1.0" + br
        message += InvitationEmail.textPart(text, subtype: "plain", lineBreak: br)
        return Array(message.utf8)
    }
}
