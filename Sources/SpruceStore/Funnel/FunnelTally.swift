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

    /// What one link had on one day: a count per event (by ``FunnelEvent/allCases`` order) and its visitors. The
    /// counts live inline, so a link's first view of an interval allocates nothing for them.
    private struct Entry: Sendable, Equatable {
        var counts = InlineArray<11, Int>(repeating: 0)
        var visitors = HyperLogLog()

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.visitors == rhs.visitors && !lhs.counts.indices.contains { lhs.counts[$0] != rhs.counts[$0] }
        }
    }

    /// One entry per link and day, so that counting a view looks one key up, not one per event and sketch.
    private var entries: [DayKey: Entry] = [:]

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// The numbers to add, per (link, day, event); events that did not happen are left out.
    public var counts: [Key: Int] {
        Dictionary(uniqueKeysWithValues: countRows.map { ($0.key, $0.count) })
    }

    /// ``counts`` as a list in no particular order, for writing: no key is hashed again.
    public var countRows: [(key: Key, count: Int)] {
        var rows: [(key: Key, count: Int)] = []
        rows.reserveCapacity(entries.count)
        let events = FunnelEvent.allCases
        for (key, entry) in entries {
            for (index, event) in events.enumerated() where entry.counts[index] != 0 {
                rows.append((Key(code: key.code, day: key.day, event: event), entry.counts[index]))
            }
        }
        return rows
    }

    /// How many of each event, over every link and day.
    public var totals: [FunnelEvent: Int] {
        var sums = InlineArray<11, Int>(repeating: 0)
        for entry in entries.values {
            for index in sums.indices { sums[index] += entry.counts[index] }
        }
        var totals: [FunnelEvent: Int] = [:]
        for (index, event) in FunnelEvent.allCases.enumerated() where sums[index] != 0 { totals[event] = sums[index] }
        return totals
    }

    /// The links with counts or visitors.
    public var codes: Set<LinkCode> { Set(entries.keys.map(\.code)) }

    /// The sketches to merge, per (link, day) that had visitors, in no particular order.
    public var visitorRows: [(key: DayKey, sketch: HyperLogLog)] {
        entries.compactMap { key, entry in entry.visitors.isEmpty ? nil : (key, entry.visitors) }
    }

    /// Forgets the visitor sketches `isStored` says are stored already in full; the counts stay.
    public mutating func removeVisitors(where isStored: (DayKey, HyperLogLog) -> Bool) {
        // In place, by index: assigning by key while iterating copied the whole dictionary.
        var index = entries.startIndex
        while index != entries.endIndex {
            let (key, entry) = entries[index]
            if !entry.visitors.isEmpty && isStored(key, entry.visitors) {
                entries.values[index].visitors = HyperLogLog()
            }
            index = entries.index(after: index)
        }
    }

    /// Makes room for `count` links and days.
    public mutating func reserveCapacity(_ count: Int) {
        entries.reserveCapacity(count)
    }

    /// How many links and days have counts.
    public var entryCount: Int { entries.count }

    public mutating func add(_ event: FunnelEvent, code: LinkCode, day: LocalDay, count: Int = 1) {
        entries[DayKey(code: code, day: day), default: Entry()].counts[event.order] += count
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
        entry.counts[event.order] += 1
        if let also { entry.counts[also.order] += 1 }
        if let hash { entry.visitors.add(hash: hash) }
    }

    private static func merge(_ theirs: Entry, into entry: inout Entry) {
        for index in entry.counts.indices { entry.counts[index] += theirs.counts[index] }
        entry.visitors.merge(theirs.visitors)
    }

    public mutating func merge(_ other: FunnelTally) {
        entries.merge(other.entries) { mine, theirs in
            var merged = mine
            Self.merge(theirs, into: &merged)
            return merged
        }
    }
}
