/// A few words from the practice added to an invitation's email and text message ("We look forward to seeing
/// Ana on Tuesday"): at most ``limit`` characters, line breaks allowed, no other control characters
/// (``FreeText``). The same rule for the CLI's `--message` and the workspace's message field.
public struct PersonalMessage: Sendable, Equatable {
    /// The longest message accepted, in characters.
    public static let limit = 500
    /// The rule in words, as shown next to the field.
    public static let rule = "at most \(limit) characters; line breaks allowed, no other control characters"

    /// The message, trimmed, its line breaks written as LF.
    public let text: String

    /// The message a user typed; `nil` when it is blank.
    /// - Throws: ``InvitationInputError`` with field `message` when it is too long or holds a control character.
    public static func validated(_ text: String?) throws(InvitationInputError) -> PersonalMessage? {
        guard let text else { return nil }
        let trimmed = FreeText.normalizingLineBreaks(text).trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        if let rule = FreeText.violation(in: trimmed, multiline: true) {
            throw InvitationInputError(field: "message", rule: rule)
        }
        guard trimmed.count <= limit else {
            throw InvitationInputError(
                field: "message", rule: "is \(trimmed.count) characters long; at most \(limit) are allowed")
        }
        return PersonalMessage(text: trimmed)
    }

    private init(text: String) { self.text = text }
}
