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

    /// What one link had on one day of the events a view counts (``events``), and its visitors. Every view of a
    /// link touches its entry, so entries are kept small (40 bytes, where a count of all eleven events took 96):
    /// the other steps of the funnel, rare beside views, are counted in `steps`. The counts live inline, so a
    /// link's first view of an interval allocates nothing for them.
    private struct Entry: Sendable, Equatable {
        /// The events counted in an entry, by slot.
        static let events: [FunnelEvent] = [.scan, .visit, .invitationOpened, .preview]

        var views = InlineArray<4, Int>(repeating: 0)
        var visitors = HyperLogLog()

        /// The slot of `event` in ``events``; nil for the steps counted apart.
        static func slot(_ event: FunnelEvent) -> Int? {
            switch event {
            case .scan: 0
            case .visit: 1
            case .invitationOpened: 2
            case .preview: 3
            default: nil
            }
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.visitors == rhs.visitors && !lhs.views.indices.contains { lhs.views[$0] != rhs.views[$0] }
        }
    }

    /// One entry per link and day, so that counting a view looks one key up, not one per event and sketch. Numeric
    /// links (nearly all) are keyed by their number and day packed in one integer (``packedKey(_:_:)``): hashing
    /// and comparing the text of the code and the day cost the request path twice as much. Vanity links, and days
    /// too far out to pack, use `named`.
    private var numeric: [UInt64: Entry] = [:]
    private var named: [DayKey: Entry] = [:]
    /// The events an entry does not hold: connects, signups, conversations, invitations sent and accepted.
    private var steps: [Key: Int] = [:]

    private static let dayBits = 24

    /// The code's number above the day's ordinal, or nil for a vanity code or a day outside 1970–47 000.
    private static func packedKey(_ code: LinkCode, _ day: LocalDay) -> UInt64? {
        guard let number = code.number, day.ordinal >= 0, day.ordinal < 1 << dayBits else { return nil }
        return number << UInt64(dayBits) | UInt64(day.ordinal)
    }

    private static func dayKey(packed: UInt64) -> DayKey? {
        LinkCode(number: packed >> UInt64(dayBits)).map { code in
            DayKey(code: code, day: LocalDay(ordinal: Int(packed & (1 << UInt64(dayBits) - 1))))
        }
    }

    /// Calls `body` with every link and day and its entry, numeric ones unpacked.
    private func forEachEntry(_ body: (DayKey, Entry) -> Void) {
        for (packed, entry) in numeric {
            if let key = Self.dayKey(packed: packed) { body(key, entry) }
        }
        for (key, entry) in named { body(key, entry) }
    }

    /// The entry of `code` on `day`, made when new, for `body` to change.
    private mutating func withEntry(_ code: LinkCode, _ day: LocalDay, _ body: (inout Entry) -> Void) {
        if let packed = Self.packedKey(code, day) {
            body(&numeric[packed, default: Entry()])
        } else {
            body(&named[DayKey(code: code, day: day), default: Entry()])
        }
    }

    public init() {}

    public var isEmpty: Bool { numeric.isEmpty && named.isEmpty && steps.isEmpty }

    /// The numbers to add, per (link, day, event); events that did not happen are left out.
    public var counts: [Key: Int] {
        Dictionary(uniqueKeysWithValues: countRows.map { ($0.key, $0.count) })
    }

    /// ``counts`` as a list in no particular order, for writing: no key is hashed again.
    public var countRows: [(key: Key, count: Int)] {
        var rows: [(key: Key, count: Int)] = []
        rows.reserveCapacity(entryCount + steps.count)
        let events = Entry.events
        forEachEntry { key, entry in
            for (slot, event) in events.enumerated() where entry.views[slot] != 0 {
                rows.append((Key(code: key.code, day: key.day, event: event), entry.views[slot]))
            }
        }
        rows.append(contentsOf: steps.lazy.map { (key: $0.key, count: $0.value) })
        return rows
    }

    /// How many of each event, over every link and day.
    public var totals: [FunnelEvent: Int] {
        var sums = InlineArray<4, Int>(repeating: 0)
        forEachEntry { _, entry in
            for slot in sums.indices { sums[slot] += entry.views[slot] }
        }
        var totals: [FunnelEvent: Int] = [:]
        for (slot, event) in Entry.events.enumerated() where sums[slot] != 0 { totals[event] = sums[slot] }
        for (key, count) in steps { totals[key.event, default: 0] += count }
        return totals
    }

    /// The links with counts or visitors.
    public var codes: Set<LinkCode> {
        var codes = Set<LinkCode>()
        forEachEntry { key, _ in codes.insert(key.code) }
        for key in steps.keys { codes.insert(key.code) }
        return codes
    }

    /// The sketches to merge, per (link, day) that had visitors, in no particular order.
    public var visitorRows: [(key: DayKey, sketch: HyperLogLog)] {
        var rows: [(key: DayKey, sketch: HyperLogLog)] = []
        forEachEntry { key, entry in
            if !entry.visitors.isEmpty { rows.append((key, entry.visitors)) }
        }
        return rows
    }

    /// Forgets the visitor sketches `isStored` says are stored already in full; the counts stay.
    public mutating func removeVisitors(where isStored: (DayKey, HyperLogLog) -> Bool) {
        Self.removeVisitors(from: &numeric, where: isStored, key: Self.dayKey(packed:))
        Self.removeVisitors(from: &named, where: isStored, key: { $0 })
    }

    private static func removeVisitors<Stored: Hashable>(
        from entries: inout [Stored: Entry], where isStored: (DayKey, HyperLogLog) -> Bool,
        key: (Stored) -> DayKey?
    ) {
        // In place, by index: assigning by key while iterating copied the whole dictionary.
        var index = entries.startIndex
        while index != entries.endIndex {
            let (stored, entry) = entries[index]
            if !entry.visitors.isEmpty, let key = key(stored), isStored(key, entry.visitors) {
                entries.values[index].visitors = HyperLogLog()
            }
            index = entries.index(after: index)
        }
    }

    /// Makes room for as many links and days as `tallies` have together.
    public mutating func reserveCapacity(toHold tallies: [FunnelTally]) {
        numeric.reserveCapacity(tallies.reduce(0) { $0 + $1.numeric.count })
        named.reserveCapacity(tallies.reduce(0) { $0 + $1.named.count })
        steps.reserveCapacity(tallies.reduce(0) { $0 + $1.steps.count })
    }

    /// How many links and days have counts.
    private var entryCount: Int { numeric.count + named.count }

    public mutating func add(_ event: FunnelEvent, code: LinkCode, day: LocalDay, count: Int = 1) {
        if let slot = Entry.slot(event) {
            withEntry(code, day) { $0.views[slot] += count }
        } else {
            steps[Key(code: code, day: day, event: event), default: 0] += count
        }
    }

    /// Adds a visitor's keyed hash (``VisitorKeys``) to the link's sketch of that day.
    public mutating func addVisitor(hash: UInt64, code: LinkCode, day: LocalDay) {
        withEntry(code, day) { $0.visitors.add(hash: hash) }
    }

    /// Counts a view in one look-up: `event` (and `also`, when given) once, and the visitor's hash if there is one.
    public mutating func add(
        _ event: FunnelEvent, also: FunnelEvent? = nil, visitor hash: UInt64?, code: LinkCode, day: LocalDay
    ) {
        guard let slot = Entry.slot(event), also.map({ Entry.slot($0) != nil }) ?? true else {
            add(event, code: code, day: day)
            if let also { add(also, code: code, day: day) }
            if let hash { addVisitor(hash: hash, code: code, day: day) }
            return
        }
        withEntry(code, day) { entry in
            entry.views[slot] += 1
            if let also, let alsoSlot = Entry.slot(also) { entry.views[alsoSlot] += 1 }
            if let hash { entry.visitors.add(hash: hash) }
        }
    }

    private static func merge(_ theirs: Entry, into entry: inout Entry) {
        for slot in entry.views.indices { entry.views[slot] += theirs.views[slot] }
        entry.visitors.merge(theirs.visitors)
    }

    public mutating func merge(_ other: FunnelTally) {
        let combine = { (mine: Entry, theirs: Entry) -> Entry in
            var merged = mine
            Self.merge(theirs, into: &merged)
            return merged
        }
        numeric.merge(other.numeric, uniquingKeysWith: combine)
        named.merge(other.named, uniquingKeysWith: combine)
        steps.merge(other.steps, uniquingKeysWith: +)
    }
}
