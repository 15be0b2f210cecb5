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
/// did (`StoreBenchmark --funnel-only`).
///
/// Held in memory only and bounded: past ``limit`` links (about 80 bytes each) it starts over empty, which costs
/// only look-ups.
public struct FunnelLinks: Sendable {
    public static let limit = 250_000

    private var links: [LinkCode: FunnelLink] = [:]

    public init() {}

    public var count: Int { links.count }

    public subscript(code: LinkCode) -> FunnelLink? { links[code] }

    /// Remembers links a flush found.
    public mutating func learn(_ found: [LinkCode: FunnelLink]) {
        guard !found.isEmpty else { return }
        if links.count + found.count > Self.limit { links = [:] }
        for (code, link) in found where links.count < Self.limit { links[code] = link }
    }
}
