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

    /// What one link had on one day: a count per event (by ``FunnelEvent/allCases`` order) and its visitors.
    private struct Entry: Sendable, Equatable {
        var counts = [Int](repeating: 0, count: FunnelEvent.allCases.count)
        var visitors = HyperLogLog()
    }

    /// One entry per link and day, so that counting a view looks one key up, not one per event and sketch.
    private var entries: [DayKey: Entry] = [:]

    private static let eventIndex: [FunnelEvent: Int] = Dictionary(
        uniqueKeysWithValues: FunnelEvent.allCases.enumerated().map { ($1, $0) })

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// The numbers to add, per (link, day, event); events that did not happen are left out.
    public var counts: [Key: Int] {
        var counts: [Key: Int] = [:]
        for (key, entry) in entries {
            for (index, event) in FunnelEvent.allCases.enumerated() where entry.counts[index] != 0 {
                counts[Key(code: key.code, day: key.day, event: event)] = entry.counts[index]
            }
        }
        return counts
    }

    /// The sketches to merge, per (link, day) that had visitors.
    public var visitors: [DayKey: HyperLogLog] {
        entries.compactMapValues { $0.visitors.isEmpty ? nil : $0.visitors }
    }

    public mutating func add(_ event: FunnelEvent, code: LinkCode, day: LocalDay, count: Int = 1) {
        guard let index = Self.eventIndex[event] else { return }
        entries[DayKey(code: code, day: day), default: Entry()].counts[index] += count
    }

    /// Adds a visitor's keyed hash (``VisitorKeys``) to the link's sketch of that day.
    public mutating func addVisitor(hash: UInt64, code: LinkCode, day: LocalDay) {
        entries[DayKey(code: code, day: day), default: Entry()].visitors.add(hash: hash)
    }

    /// Counts a view in one look-up: `event` (and `also`, when given) once, and the visitor's hash if there is one.
    public mutating func add(
        _ event: FunnelEvent, also: FunnelEvent? = nil, visitor hash: UInt64?, code: LinkCode, day: LocalDay
    ) {
        Self.count(event, also: also, visitor: hash, in: &entries[DayKey(code: code, day: day), default: Entry()])
    }

    private static func count(_ event: FunnelEvent, also: FunnelEvent?, visitor hash: UInt64?, in entry: inout Entry) {
        if let index = eventIndex[event] { entry.counts[index] += 1 }
        if let also, let index = eventIndex[also] { entry.counts[index] += 1 }
        if let hash { entry.visitors.add(hash: hash) }
    }

    private static func merge(_ theirs: Entry, into entry: inout Entry) {
        for index in entry.counts.indices { entry.counts[index] += theirs.counts[index] }
        entry.visitors.merge(theirs.visitors)
    }

    public mutating func merge(_ other: FunnelTally) {
        for (key, theirs) in other.entries {
            if entries[key] == nil {
                entries[key] = theirs
            } else {
                Self.merge(theirs, into: &entries[key, default: Entry()])
            }
        }
    }
}
