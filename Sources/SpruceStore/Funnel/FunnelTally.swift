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
    private static let dayMask: UInt64 = 1 << UInt64(dayBits) - 1

    /// The code's number above the day's ordinal, or nil for a vanity code or a day outside 1970–47 000.
    private static func packedKey(_ code: LinkCode, _ day: LocalDay) -> UInt64? {
        guard let number = code.number, day.ordinal >= 0, day.ordinal < 1 << dayBits else { return nil }
        return number << UInt64(dayBits) | UInt64(day.ordinal)
    }

    private static func dayKey(packed: UInt64) -> DayKey? {
        LinkCode(number: number(packed: packed)).map { DayKey(code: $0, day: day(packed: packed)) }
    }

    private static func number(packed: UInt64) -> UInt64 { packed >> UInt64(dayBits) }

    private static func day(packed: UInt64) -> LocalDay { LocalDay(ordinal: Int(packed & dayMask)) }

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
        var counts = steps
        forEachEntry { key, entry in
            for (slot, event) in Entry.events.enumerated() where entry.views[slot] != 0 {
                counts[Key(code: key.code, day: key.day, event: event)] = entry.views[slot]
            }
        }
        return counts
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

    /// Forgets the visitor sketches `isStored` says are stored already in full, numeric links' by their packed key
    /// (``packedKey(_:_:)``); the counts stay.
    mutating func removeVisitors(
        where isStored: (UInt64, HyperLogLog) -> Bool, named isNamedStored: (DayKey, HyperLogLog) -> Bool
    ) {
        Self.removeVisitors(from: &numeric, where: isStored)
        Self.removeVisitors(from: &named, where: isNamedStored)
    }

    private static func removeVisitors<Stored: Hashable>(
        from entries: inout [Stored: Entry], where isStored: (Stored, HyperLogLog) -> Bool
    ) {
        // In place, by index: assigning by key while iterating copied the whole dictionary.
        var index = entries.startIndex
        while index != entries.endIndex {
            let (stored, entry) = entries[index]
            if !entry.visitors.isEmpty, isStored(stored, entry.visitors) {
                entries.values[index].visitors = HyperLogLog()
            }
            index = entries.index(after: index)
        }
    }

    /// Calls `numbered` with every numeric link's sketch by its packed key, and `named` with every other one.
    func forEachSketch(numbered: (UInt64, HyperLogLog) -> Void, named visitNamed: (DayKey, HyperLogLog) -> Void) {
        for (packed, entry) in numeric where !entry.visitors.isEmpty { numbered(packed, entry.visitors) }
        for (key, entry) in named where !entry.visitors.isEmpty { visitNamed(key, entry.visitors) }
    }

    // MARK: Rows to write

    /// The codes with counts that none of `links` knows, each once.
    func codes(unknownTo links: FunnelLinks) -> [LinkCode] {
        var numbers = Set<UInt64>()
        var codes: [LinkCode] = []
        for packed in numeric.keys {
            let number = Self.number(packed: packed)
            if links[number: number] == nil, numbers.insert(number).inserted, let code = LinkCode(number: number) {
                codes.append(code)
            }
        }
        var others = Set<LinkCode>()
        for code in named.keys.map(\.code) + steps.keys.map(\.code) where links[code] == nil {
            if others.insert(code).inserted, code.number.map({ !numbers.contains($0) }) ?? true { codes.append(code) }
        }
        return codes
    }

    /// The counts to add, each with its link as the first of `links` to know it has it (codes none knows are left
    /// out), sorted by link, day and event: in key order a flush walks the table's pages in order, and instances
    /// writing at once take their row locks in the same order.
    func countRows(in links: FunnelLinks...) -> [FunnelCountRow] {
        var rows: [FunnelCountRow] = []
        rows.reserveCapacity(entryCount + steps.count)
        let events = Entry.events
        func append(_ entry: Entry, link: FunnelLink, day: LocalDay) {
            for slot in entry.views.indices where entry.views[slot] != 0 {
                rows.append(FunnelCountRow(link: link, day: day, event: events[slot], count: entry.views[slot]))
            }
        }
        for (packed, entry) in numeric {
            if let link = Self.link(number: Self.number(packed: packed), in: links) {
                append(entry, link: link, day: Self.day(packed: packed))
            }
        }
        for (key, entry) in named {
            if let link = Self.link(key.code, in: links) { append(entry, link: link, day: key.day) }
        }
        for (key, count) in steps {
            if let link = Self.link(key.code, in: links) {
                rows.append(FunnelCountRow(link: link, day: key.day, event: key.event, count: count))
            }
        }
        rows.sort { ($0.link.id, $0.day.ordinal, $0.event.order) < ($1.link.id, $1.day.ordinal, $1.event.order) }
        return rows
    }

    /// The sketches to merge, per (link, day) that had visitors, found and sorted as ``countRows(in:)``'s rows.
    func visitorRows(in links: FunnelLinks...) -> [FunnelVisitorRow] {
        var rows: [FunnelVisitorRow] = []
        forEachSketch(
            numbered: { packed, sketch in
                if let link = Self.link(number: Self.number(packed: packed), in: links) {
                    rows.append(FunnelVisitorRow(link: link, day: Self.day(packed: packed), sketch: sketch))
                }
            },
            named: { key, sketch in
                if let link = Self.link(key.code, in: links) {
                    rows.append(FunnelVisitorRow(link: link, day: key.day, sketch: sketch))
                }
            })
        rows.sort { ($0.link.id, $0.day.ordinal) < ($1.link.id, $1.day.ordinal) }
        return rows
    }

    private static func link(number: UInt64, in links: [FunnelLinks]) -> FunnelLink? {
        for source in links {
            if let link = source[number: number] { return link }
        }
        return nil
    }

    private static func link(_ code: LinkCode, in links: [FunnelLinks]) -> FunnelLink? {
        for source in links {
            if let link = source[code] { return link }
        }
        return nil
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

/// One count a flush adds: to its link's row of that day and event.
struct FunnelCountRow {
    let link: FunnelLink
    let day: LocalDay
    let event: FunnelEvent
    let count: Int
}

/// One visitor sketch a flush merges into its link's row of that day.
struct FunnelVisitorRow {
    let link: FunnelLink
    let day: LocalDay
    let sketch: HyperLogLog
}
