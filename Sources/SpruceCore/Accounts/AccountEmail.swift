import Foundation

/// An account message as a complete Internet message: one `text/plain` part in UTF-8 (7bit or quoted-printable).
public enum AccountEmail {
    /// The message's bytes.
    /// - Parameters:
    ///   - site: the public URL named in the text.
    ///   - lineBreak: `\r\n` (the wire form) or `\n` (a Maildir file).
    public static func build(
        _ message: AccountMessage,
        from: MailboxAddress,
        to: MailboxAddress,
        site: String,
        date: Date = Date(),
        lineBreak: String = "\r\n"
    ) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next(), radix: 36)
        let domain = from.email.asciiAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        var text = ""
        text += from.header("From", lineBreak: lineBreak)
        text += to.header("To", lineBreak: lineBreak)
        text += MIMEEncoding.unstructuredHeader("Subject", message.subject, lineBreak: lineBreak)
        text += "Date: " + InvitationContent.rfc5322Date(date) + lineBreak
        text += "Message-ID: <account." + random + "@" + domain + ">" + lineBreak
        text += "MIME-Version: 1.0" + lineBreak
        text += InvitationEmail.textPart(message.body(site: site), subtype: "plain", lineBreak: lineBreak)
        return Array(text.utf8)
    }
}
