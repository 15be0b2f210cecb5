import SpruceCore

/// Where minting draws fresh numeric codes from. Production uses ``SystemCodeSource``; tests inject a seeded
/// source to force collisions and watch the store retry.
public protocol LinkCodeSource: Sendable {
    func numericCode(length: Int) -> LinkCode
    /// How many distinct codes of `length` digits the source can draw; minting moves to a longer length when
    /// this space would be more than ``SpruceStore/crowdedSpaceFraction`` used.
    func capacity(length: Int) -> Int
}

extension LinkCodeSource {
    /// Every code of `length` digits whose first digit is not 0: 9 × 10^(length − 1).
    public func capacity(length: Int) -> Int {
        (1..<length).reduce(9) { value, _ in value * 10 }
    }
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
    /// What minting does when the numeric length asked for is crowded.
    public var lengthPolicy: LengthPolicy

    /// Whether a numeric mint may use longer codes than asked for.
    public enum LengthPolicy: Sendable, Equatable {
        /// Move to the next length while the space of the one asked for would be more than 10 % used.
        case moveUpWhenCrowded
        /// Keep the length asked for, however crowded.
        case exact
    }

    public init(
        organizationID: OrganizationID,
        kind: Kind = .numeric(length: LinkCode.defaultNumericLength),
        label: String = "",
        tags: [ConversationTag] = [],
        isPrimary: Bool = false,
        lengthPolicy: LengthPolicy = .moveUpWhenCrowded
    ) {
        self.organizationID = organizationID
        self.kind = kind
        self.label = label
        self.tags = tags
        self.isPrimary = isPrimary
        self.lengthPolicy = lengthPolicy
    }
}

/// The links one mint made, and the code length it used.
public struct MintedLinks: Sendable {
    public var links: [PracticeLink]
    /// The digits of the numeric codes minted; `nil` for a chosen or vanity code.
    public var codeLength: Int?
    /// The length asked for, when minting moved past it because its space was crowded.
    public var crowdedLength: Int?

    /// One line saying that minting moved to a longer code, or `nil` when it kept the length asked for.
    public var lengthNotice: String? {
        guard let crowdedLength, let codeLength else { return nil }
        return "\(crowdedLength)-digit codes are more than 10 % used: minted \(codeLength)-digit codes instead"
    }
}
