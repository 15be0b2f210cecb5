/// A mailbox as it appears in `From:` and `To:`: an optional display name and an ``EmailAddress``.
public struct MailboxAddress: Hashable, Sendable, CustomStringConvertible {
    public let displayName: String?
    public let email: EmailAddress

    public init(displayName: String?, email: EmailAddress) {
        let trimmed = displayName?.trimmingWhitespace()
        self.displayName = trimmed?.isEmpty == false ? trimmed : nil
        self.email = email
    }

    /// Parses `Name <address>` or a bare `address`.
    /// - Throws: ``InvitationInputError`` with `field` naming the option or column the text came from.
    public init(parsing text: String, field: String = "from") throws(InvitationInputError) {
        let trimmed = text.trimmingWhitespace()
        if let open = trimmed.lastIndex(of: "<") {
            guard trimmed.hasSuffix(">") else {
                throw InvitationInputError(field: field, rule: "\"\(text)\" has a < without a closing >")
            }
            var name = String(trimmed[..<open]).trimmingWhitespace()
            if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") {
                name = String(name.dropFirst().dropLast())
            }
            let inner = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            do {
                self.init(displayName: name, email: try EmailAddress(parsing: inner))
            } catch {
                throw InvitationInputError(field: field, rule: error.rule)
            }
        } else {
            do {
                self.init(displayName: nil, email: try EmailAddress(parsing: trimmed))
            } catch {
                throw InvitationInputError(field: field, rule: error.rule)
            }
        }
        if let displayName, displayName.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw InvitationInputError(field: field, rule: "the display name may not hold control characters")
        }
    }

    public var description: String {
        displayName.map { "\($0) <\(email.address)>" } ?? email.address
    }

    /// The header field, e.g. `To: =?UTF-8?B?…?= <ana@example.com>`: ASCII names that need it are quoted,
    /// non-ASCII names are RFC 2047 encoded words; folded to lines of at most 78 characters.
    func header(_ name: String, lineBreak: String) -> String {
        let angle = "<" + email.asciiAddress + ">"
        guard let displayName else { return MIMEEncoding.fold(name: name, words: [angle], lineBreak: lineBreak) }
        var words: [String]
        if MIMEEncoding.isPlainHeaderText(displayName) {
            let atomSafe = displayName.utf8.allSatisfy {
                ASCII.isLowercaseLetter($0) || ASCII.isUppercaseLetter($0) || ASCII.isDigit($0) || $0 == 0x20
                    || (EmailAddress.atextSymbols.contains($0))
            }
            if atomSafe {
                words = displayName.split(separator: " ").map(String.init)
            } else {
                var quoted = "\""
                for character in displayName {
                    if character == "\"" || character == "\\" { quoted += "\\" }
                    quoted.append(character)
                }
                words = [quoted + "\""]
            }
        } else {
            words = MIMEEncoding.encodedWords(displayName)
        }
        words.append(angle)
        return MIMEEncoding.fold(name: name, words: words, lineBreak: lineBreak)
    }
}
