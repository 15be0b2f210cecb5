import SpruceCore

/// Where minting draws fresh numeric codes from. Production uses ``SystemCodeSource``; tests inject a seeded
/// source to force collisions and watch the store retry.
public protocol LinkCodeSource: Sendable {
    func numericCode(length: Int) -> LinkCode
}

/// Codes from the system's cryptographically secure generator.
public struct SystemCodeSource: LinkCodeSource {
    public init() {}

    public func numericCode(length: Int) -> LinkCode {
        LinkCode.randomNumeric(length: length)
    }
}

/// What to mint: whose links, which kind of code, and what each link carries.
public struct MintRequest: Sendable {
    public enum Kind: Sendable, Equatable {
        /// Random digits of the given length.
        case numeric(length: Int)
        /// A chosen code (vanity or numeric); refused with ``StoreError/codeTaken`` if any organization ever used it.
        case chosen(LinkCode)
        /// A vanity code derived from the organization's name, with `-2`, `-3`, … on collision.
        case vanityFromName
    }

    public var organizationID: OrganizationID
    public var kind: Kind
    public var label: String
    public var tags: [ConversationTag]
    public var isPrimary: Bool

    public init(
        organizationID: OrganizationID,
        kind: Kind = .numeric(length: LinkCode.defaultNumericLength),
        label: String = "",
        tags: [ConversationTag] = [],
        isPrimary: Bool = false
    ) {
        self.organizationID = organizationID
        self.kind = kind
        self.label = label
        self.tags = tags
        self.isPrimary = isPrimary
    }
}
