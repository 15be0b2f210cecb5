import SpruceCore

/// Funnel counts gathered in memory, written by one ``SpruceStore/recordFunnel(_:at:)``: per (link code, local day,
/// event) a number to add, and per (link code, local day) a visitor sketch to merge.
public struct FunnelTally: Sendable, Equatable {
    public struct Key: Hashable, Sendable {
        public let code: LinkCode
        public let day: LocalDay
        public let event: FunnelEvent

        public init(code: LinkCode, day: LocalDay, event: FunnelEvent) {
            self.code = code
            self.day = day
            self.event = event
        }
    }

    public struct DayKey: Hashable, Sendable {
        public let code: LinkCode
        public let day: LocalDay

        public init(code: LinkCode, day: LocalDay) {
            self.code = code
            self.day = day
        }
    }

    public private(set) var counts: [Key: Int] = [:]
    public private(set) var visitors: [DayKey: HyperLogLog] = [:]

    public init() {}

    public var isEmpty: Bool { counts.isEmpty && visitors.isEmpty }

    public mutating func add(_ event: FunnelEvent, code: LinkCode, day: LocalDay, count: Int = 1) {
        counts[Key(code: code, day: day, event: event), default: 0] += count
    }

    /// Adds a visitor's keyed hash (``VisitorKeys``) to the link's sketch of that day.
    public mutating func addVisitor(hash: UInt64, code: LinkCode, day: LocalDay) {
        visitors[DayKey(code: code, day: day), default: HyperLogLog()].add(hash: hash)
    }

    public mutating func merge(_ other: FunnelTally) {
        for (key, count) in other.counts { counts[key, default: 0] += count }
        for (key, sketch) in other.visitors { visitors[key, default: HyperLogLog()].merge(sketch) }
    }
}
