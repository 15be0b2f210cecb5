import Foundation

/// The stored id of a link.
public typealias LinkID = StoredID<PracticeLink>

/// Whether a link still leads to its practice. A disabled code stays in the table forever and is never reissued.
public enum LinkStatus: String, Codable, Sendable, CaseIterable {
    case active
    case disabled
}

/// A public, evergreen link that belongs to one organization (docs/ARCHITECTURE.md, "Links").
public struct PracticeLink: Equatable, Sendable {
    public let id: LinkID
    public let code: LinkCode
    public let organizationID: OrganizationID
    public var label: String
    /// Applied to every conversation that starts through this link; sorted, no duplicates.
    public var tags: [ConversationTag]
    public var status: LinkStatus
    /// The organization's main link, printed on its flyers.
    public var isPrimary: Bool
    public let createdAt: Date
    /// The colors of the link's QR code, chosen by its organization.
    public var qrColors: QRColors

    public init(
        id: LinkID,
        code: LinkCode,
        organizationID: OrganizationID,
        label: String,
        tags: [ConversationTag],
        status: LinkStatus,
        isPrimary: Bool,
        createdAt: Date,
        qrColors: QRColors = .standard
    ) {
        self.id = id
        self.code = code
        self.organizationID = organizationID
        self.label = label
        self.tags = Array(Set(tags)).sorted()
        self.status = status
        self.isPrimary = isPrimary
        self.createdAt = createdAt
        self.qrColors = qrColors
    }
}

/// A label put on conversations that start through a link: 1 to 40 characters of `a-z`, `0-9`, `-` and `_`.
public struct ConversationTag: Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public static let lengths = 1...40
    public let rawValue: String

    /// - Throws: ``TagError`` when the tag is empty, too long, or has a character outside the allowed set.
    public init(_ text: String) throws(TagError) {
        let lowered = text.trimmingWhitespace().lowercased()
        guard !lowered.isEmpty else { throw .empty }
        guard lowered.utf8.count <= Self.lengths.upperBound else { throw .tooLong(maximum: Self.lengths.upperBound) }
        let allowed = lowered.utf8.allSatisfy {
            ASCII.isLowercaseLetter($0) || ASCII.isDigit($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
        }
        guard allowed else { throw .invalidCharacters }
        self.rawValue = lowered
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// Why a text is not a ``ConversationTag``.
public enum TagError: Error, Equatable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(maximum: Int)
    case invalidCharacters

    public var description: String {
        switch self {
        case .empty: "tag is empty"
        case .tooLong(let maximum): "tag is longer than \(maximum) characters"
        case .invalidCharacters: "tag may hold only a-z, 0-9, - and _"
        }
    }
}
