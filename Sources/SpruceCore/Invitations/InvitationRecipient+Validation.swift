extension InvitationRecipient {
    /// The longest name accepted, in characters.
    public static let nameLimit = 120

    /// A recipient from what a user typed: the name trimmed, the email checked (``EmailAddress``), the phone
    /// normalized to E.164 (``PhoneNumber``) and able to receive texts. Empty strings count as absent.
    /// - Parameters:
    ///   - defaultRegion: the region for phone numbers written without a country code.
    /// - Throws: ``InvitationInputError`` naming the field: `email`, `phone`, `name`, or `recipient` when both
    ///   email and phone are missing.
    public static func validated(
        name: String?,
        email: String?,
        phone: String?,
        defaultRegion: String = "US"
    ) throws(InvitationInputError) -> InvitationRecipient {
        let name = name?.trimmingWhitespace()
        let email = email?.trimmingWhitespace()
        let phone = phone?.trimmingWhitespace()
        if let name, name.count > nameLimit {
            throw InvitationInputError(field: "name", rule: "is longer than \(nameLimit) characters")
        }
        if let name, name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw InvitationInputError(field: "name", rule: "may not hold control characters or line breaks")
        }
        guard email?.isEmpty == false || phone?.isEmpty == false else {
            throw InvitationInputError(field: "recipient", rule: "needs an email address or a phone number")
        }
        let address = try email.flatMap { text throws(InvitationInputError) in
            text.isEmpty ? nil : try EmailAddress(parsing: text)
        }
        let number = try phone.flatMap { text throws(InvitationInputError) in
            text.isEmpty ? nil : try PhoneNumber(parsing: text, defaultRegion: defaultRegion)
        }
        try number?.requireTexts()
        return InvitationRecipient(
            name: name?.isEmpty == false ? name : nil, email: address?.address, phone: number?.e164)
    }
}

/// How an invitation reaches its recipient.
public enum InvitationChannel: String, Codable, Sendable, CaseIterable, Comparable {
    case email
    case text

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
