import SpruceCore

/// The link a flush writes a code's rows for: its id and organization.
public struct FunnelLink: Sendable, Equatable {
    public let id: Int64
    public let organization: Int64

    public init(id: Int64, organization: Int64) {
        self.id = id
        self.organization = organization
    }
}

/// Links an instance's flushes have looked up, by code. A code's link never changes (links are disabled, never
/// deleted, and never move to another organization), so a flush looks up only the codes it has not met before:
/// under steady traffic that is none, and finding 100 000 codes' links cost a flush more than writing its counts
/// did (`StoreBenchmark --funnel-only`). Numeric codes are kept by their number, as ``FunnelTally`` keeps them, so
/// that a flush finds a link without making or hashing the code's text.
///
/// Held in memory only and bounded: past ``limit`` links (about 50 bytes each) it starts over empty, which costs
/// only look-ups.
public struct FunnelLinks: Sendable {
    public static let limit = 250_000

    private var numbered: [UInt64: FunnelLink] = [:]
    private var named: [LinkCode: FunnelLink] = [:]
    private let limit: Int

    public init() { limit = Self.limit }

    /// All of `found`, whatever their number: a flush's own look-ups, which it must not drop.
    init(all found: [LinkCode: FunnelLink]) {
        limit = .max
        learn(found)
    }

    public var count: Int { numbered.count + named.count }

    public subscript(code: LinkCode) -> FunnelLink? {
        if let number = code.number { numbered[number] } else { named[code] }
    }

    /// The link of the numeric code whose number is `number`.
    subscript(number number: UInt64) -> FunnelLink? { numbered[number] }

    /// Remembers links a flush found.
    public mutating func learn(_ found: [LinkCode: FunnelLink]) {
        guard !found.isEmpty else { return }
        if count + found.count > limit {
            numbered = [:]
            named = [:]
        }
        for (code, link) in found where count < limit {
            if let number = code.number { numbered[number] = link } else { named[code] = link }
        }
    }
}
