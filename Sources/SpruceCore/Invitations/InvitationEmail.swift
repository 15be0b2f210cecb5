import Foundation

/// An invitation as a complete Internet message (RFC 5322, MIME RFC 2045–2047 and 2387).
///
/// Layout: `multipart/related` (type `multipart/alternative`) holding a `multipart/alternative` with the
/// `text/plain` and `text/html` parts (UTF-8; 7bit, quoted-printable or base64, whichever the text needs), then
/// the QR code as an inline `image/png` whose `Content-ID` the HTML names with `cid:`. Header values that are not
/// plain ASCII are encoded words; every line is at most 78 characters.
///
/// Core does not render QR codes: the caller passes the PNG bytes (the CLI renders them with SpruceQR).
public struct InvitationEmail: Sendable {
    /// The `Message-ID`, without angle brackets.
    public let messageID: String
    /// The QR part's `Content-ID`, without angle brackets.
    public let contentID: String
    public let subject: String
    /// The whole message, lines ending with the `lineBreak` it was built with.
    public let bytes: [UInt8]

    /// Builds the message.
    /// - Parameters:
    ///   - content: practice, recipient name, link and expiry.
    ///   - from: the sender mailbox; its domain is also the right-hand side of `Message-ID` and `Content-ID`.
    ///   - to: the recipient mailbox.
    ///   - qrPNG: the PNG of the link's QR code.
    ///   - templates: the Mustache templates.
    ///   - date: the `Date` header.
    ///   - uniqueID: distinguishes this message's ids, e.g. `inv-42`; a random suffix is always added.
    ///   - lineBreak: `\r\n` (the wire form, the default) or `\n` (local files such as a Maildir).
    public static func build(
        content: InvitationContent,
        from: MailboxAddress,
        to: MailboxAddress,
        qrPNG: [UInt8],
        templates: InvitationTemplates,
        date: Date = Date(),
        uniqueID: String,
        lineBreak: String = "\r\n"
    ) -> InvitationEmail {
        var generator = SystemRandomNumberGenerator()
        let random = String(generator.next(), radix: 36) + String(generator.next() & 0xFFFF_FFFF, radix: 36)
        let domain = from.email.asciiAddress.split(separator: "@").last.map(String.init) ?? "localhost"
        let messageID = "\(uniqueID).\(random)@\(domain)"
        let contentID = "qr.\(uniqueID).\(random)@\(domain)"
        var values = content.values()
        let subject = templates.render(.emailSubject, values).trimmingWhitespace()
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        let text = templates.render(.emailText, values)
        values["qrContentID"] = contentID
        let html = templates.render(.emailHTML, values)

        let related = "=_rel_" + random
        let alternative = "=_alt_" + random
        let br = lineBreak
        var message = ""
        message.reserveCapacity(qrPNG.count * 4 / 3 + text.utf8.count * 2 + html.utf8.count * 2 + 2048)
        message += from.header("From", lineBreak: br)
        message += to.header("To", lineBreak: br)
        message += MIMEEncoding.unstructuredHeader("Subject", subject, lineBreak: br)
        message += "Date: " + InvitationContent.rfc5322Date(date) + br
        message += "Message-ID: <" + messageID + ">" + br
        message += "MIME-Version: 1.0" + br
        message += "Content-Type: multipart/related; type=\"multipart/alternative\";" + br
        message += " boundary=\"" + related + "\"" + br
        message += br
        message += "This is a multi-part message in MIME format." + br
        message += "--" + related + br
        message += "Content-Type: multipart/alternative; boundary=\"" + alternative + "\"" + br
        message += br
        message += "--" + alternative + br
        message += textPart(text, subtype: "plain", lineBreak: br)
        message += "--" + alternative + br
        message += textPart(html, subtype: "html", lineBreak: br)
        message += "--" + alternative + "--" + br
        message += br
        message += "--" + related + br
        message += "Content-Type: image/png; name=\"invitation-qr.png\"" + br
        message += "Content-Transfer-Encoding: base64" + br
        message += "Content-ID: <" + contentID + ">" + br
        message += "Content-Disposition: inline; filename=\"invitation-qr.png\"" + br
        message += br
        message += MIMEEncoding.base64Lines(qrPNG, lineBreak: br)
        message += "--" + related + "--" + br
        return InvitationEmail(messageID: messageID, contentID: contentID, subject: subject, bytes: Array(message.utf8))
    }

    /// A UTF-8 text part: 7bit when it is short-lined ASCII, base64 when more than a third of its bytes are
    /// non-ASCII (CJK text), quoted-printable otherwise.
    static func textPart(_ text: String, subtype: String, lineBreak: String) -> String {
        var part = "Content-Type: text/\(subtype); charset=UTF-8" + lineBreak
        if MIMEEncoding.isSevenBitSafe(text) {
            part += "Content-Transfer-Encoding: 7bit" + lineBreak + lineBreak
            part += text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: lineBreak)
            if !text.hasSuffix("\n") { part += lineBreak }
            return part
        }
        let nonASCII = text.utf8.lazy.filter { $0 >= 0x80 }.count
        if nonASCII * 3 > text.utf8.count {
            part += "Content-Transfer-Encoding: base64" + lineBreak + lineBreak
            let canonical = text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n")
            return part + MIMEEncoding.base64Lines(Array(canonical.utf8), lineBreak: lineBreak)
        }
        part += "Content-Transfer-Encoding: quoted-printable" + lineBreak + lineBreak
        part += MIMEEncoding.quotedPrintable(text, lineBreak: lineBreak)
        if !text.hasSuffix("\n") { part += lineBreak }
        return part
    }
}

extension InvitationTemplates {
    /// The SMS for `content`, measured for encoding and segments.
    public func textMessage(_ content: InvitationContent) -> TextMessage {
        TextMessage(body: render(.textMessage, content.values()).trimmingWhitespace())
    }

    /// The email's subject and plain text for `content`, as the recipient reads them (a preview).
    public func emailPreview(_ content: InvitationContent) -> (subject: String, text: String) {
        let values = content.values()
        return (render(.emailSubject, values).trimmingWhitespace(), render(.emailText, values))
    }
}
