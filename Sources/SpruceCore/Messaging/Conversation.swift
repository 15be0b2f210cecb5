import Foundation

/// The stored id of a conversation.
public typealias ConversationID = StoredID<ConversationEntity>

/// Names conversation ids; conversations are read as ``InboxEntry`` and ``ConversationThread`` values.
public enum ConversationEntity {}

/// The three kinds of conversation (docs/ARCHITECTURE.md, "Messaging").
public enum ConversationKind: String, Codable, Sendable, CaseIterable {
    /// A practice and one of its patients.
    case secure
    /// Two clinics.
    case clinic
    /// Two clinics and a patient they share, who has a secure account.
    case group

    /// The icon each side shows: a briefcase for another clinic, a person for a patient, people for a group.
    public var icon: ConversationIcon {
        switch self {
        case .secure: .patient
        case .clinic: .briefcase
        case .group: .group
        }
    }
}

public enum ConversationIcon: String, Codable, Sendable {
    case patient
    case briefcase
    case group
}

/// The key that makes a conversation unique for its participants; the database holds it under a unique index,
/// which is what makes connecting idempotent under any concurrency.
public enum ConversationKey {
    public static func secure(patient: PatientID, practice: OrganizationID) -> String {
        "secure:\(practice.rawValue):\(patient.rawValue)"
    }

    /// The same for either order of the two clinics.
    public static func clinic(_ a: OrganizationID, _ b: OrganizationID) -> String {
        "clinic:\(min(a, b).rawValue):\(max(a, b).rawValue)"
    }

    public static func group(_ a: OrganizationID, _ b: OrganizationID, patient: PatientID) -> String {
        "group:\(min(a, b).rawValue):\(max(a, b).rawValue):\(patient.rawValue)"
    }
}

/// A conversation as one participant sees it in a list.
public struct InboxEntry: Equatable, Sendable {
    public let conversationID: ConversationID
    public let kind: ConversationKind
    /// What this participant calls the conversation: the other clinic's name, the patient's name, or both.
    public let title: String
    public let icon: ConversationIcon
    public let tags: [ConversationTag]
    public let lastActivityAt: Date
    public let lastMessage: String?

    public init(
        conversationID: ConversationID, kind: ConversationKind, title: String, tags: [ConversationTag],
        lastActivityAt: Date, lastMessage: String?
    ) {
        self.conversationID = conversationID
        self.kind = kind
        self.title = title
        self.icon = kind.icon
        self.tags = tags
        self.lastActivityAt = lastActivityAt
        self.lastMessage = lastMessage
    }
}

/// Which conversations an inbox lists.
public enum InboxFilter: String, Codable, Sendable, CaseIterable {
    /// Every conversation of the organization.
    case all
    /// Clinic and group conversations with another clinic ("Clinics on Spruce").
    case clinics
}

/// How many conversations one page of an inbox holds: ``standard`` unless a client asks, within ``range``.
public struct InboxPageSize: Equatable, Sendable {
    /// The sizes a client may ask for.
    public static let range = 1...100
    public static let standard = InboxPageSize(checked: 25)
    /// The rule a refused size broke, for the error that names the field.
    public static let rule = "must be an integer from \(range.lowerBound) to \(range.upperBound)"

    public let count: Int

    /// The size a client wrote; nil when it is not an integer within ``range``.
    public init?(_ text: String) {
        guard let count = Int(text), Self.range.contains(count) else { return nil }
        self.init(checked: count)
    }

    private init(checked count: Int) { self.count = count }
}

/// One page of an inbox, newest activity first, with the cursor of the next page if there is one.
public struct InboxPage: Equatable, Sendable {
    public let entries: [InboxEntry]
    public let nextCursor: InboxCursor?

    public init(entries: [InboxEntry], nextCursor: InboxCursor?) {
        self.entries = entries
        self.nextCursor = nextCursor
    }
}

/// Where the next inbox page starts: after the entry with this activity sequence number.
///
/// A cursor, not an offset: a conversation moving to the top between two page loads neither repeats nor
/// hides an entry on the next page.
public struct InboxCursor: Equatable, Sendable, CustomStringConvertible {
    public let activity: Int64

    public init(activity: Int64) { self.activity = activity }

    /// Reads a cursor that came back from a client: `a` and 1 to 18 ASCII digits, as ``description`` writes it.
    public init?(_ text: String) {
        let digits = text.utf8.dropFirst()
        guard text.utf8.first == UInt8(ascii: "a"), (1...18).contains(digits.count),
            digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            let value = Int64(text.dropFirst())
        else { return nil }
        self.activity = value
    }

    public var description: String { "a\(activity)" }
}

/// A message in a conversation.
public struct Message: Equatable, Sendable {
    public static let bodyLimit = 10_000

    public let id: Int64
    public let conversationID: ConversationID
    public let authorName: String
    /// The organization the author speaks for; `nil` when the author is the patient.
    public let authorOrganizationID: OrganizationID?
    public let body: String
    public let createdAt: Date

    public init(
        id: Int64, conversationID: ConversationID, authorName: String, authorOrganizationID: OrganizationID?,
        body: String, createdAt: Date
    ) {
        self.id = id
        self.conversationID = conversationID
        self.authorName = authorName
        self.authorOrganizationID = authorOrganizationID
        self.body = body
        self.createdAt = createdAt
    }

    /// Trims a message body and checks it is neither empty nor too long.
    public static func validatedBody(_ body: String) throws(MessagingError) -> String {
        let trimmed = FreeText.normalizingLineBreaks(body).trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .invalid(field: "message", rule: "is empty") }
        if let rule = FreeText.violation(in: trimmed, multiline: true) { throw .invalid(field: "message", rule: rule) }
        guard trimmed.count <= bodyLimit else {
            throw .invalid(field: "message", rule: "is longer than \(bodyLimit) characters")
        }
        return trimmed
    }
}

/// A conversation opened by a participant: who is in it and its messages, oldest first.
public struct ConversationThread: Equatable, Sendable {
    /// Messages per page unless asked otherwise.
    public static let pageSize = 50

    public let entry: InboxEntry
    /// One page of messages, oldest first: the newest ones, or those before the cursor asked for.
    public let messages: [Message]
    /// Where the next (older) page starts: pass it as `before`; `nil` when this page reaches the first message.
    public let earlierCursor: Int64?

    public init(entry: InboxEntry, messages: [Message], earlierCursor: Int64? = nil) {
        self.entry = entry
        self.messages = messages
        self.earlierCursor = earlierCursor
    }
}

/// An alert for a member (its sentence comes from ``AlertMessage``): stored, shown in the inbox, ready for a
/// delivery channel.
public struct Alert: Equatable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case clinicAdded = "clinic_added"
        case conversationStarted = "conversation_started"
        case messageReceived = "message_received"
    }

    public let id: Int64
    public let memberID: MemberID
    public let kind: Kind
    public let text: String
    public let conversationID: ConversationID?
    public let createdAt: Date

    public init(
        id: Int64, memberID: MemberID, kind: Kind, text: String, conversationID: ConversationID?, createdAt: Date
    ) {
        self.id = id
        self.memberID = memberID
        self.kind = kind
        self.text = text
        self.conversationID = conversationID
        self.createdAt = createdAt
    }
}

/// Why a messaging read or write was refused.
///
/// A conversation the identity may not read and one that does not exist give the same ``notFound``,
/// so the error reveals nothing about what exists.
public enum MessagingError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound
    case forbidden(String)
    case invalid(field: String, rule: String)
    case patientWithoutSecureAccount
    case notConnected

    public var description: String {
        switch self {
        case .notFound: "no such conversation"
        case .forbidden(let reason): reason
        case .invalid(let field, let rule): "\(field) \(rule)"
        case .patientWithoutSecureAccount: "the patient has no secure account, so they cannot join a group conversation"
        case .notConnected: "the two clinics are not connected yet; connect with the clinic first"
        }
    }
}
