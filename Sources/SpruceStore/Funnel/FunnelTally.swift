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

    /// How many links and days it counts views of, and step counts it holds: about the rows a flush of it writes.
    public var linkDayCount: Int { entryCount + steps.count }

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

    /// Adds to `rows` this tally's counts and sketches of the links `links` knows, and collects the codes it does
    /// not know when `rows` collects them; with `earlier`, leaves out the links that one knows (a pass over them
    /// wrote their rows already).
    fileprivate func appendRows(to rows: inout FunnelRows, in links: FunnelLinks, skipping earlier: FunnelLinks?) {
        func link(number: UInt64) -> FunnelLink? {
            guard let link = links[number: number] else {
                if rows.collectsUnknown { rows.unknownNumbers.insert(number) }
                return nil
            }
            return earlier?[number: number] == nil ? link : nil
        }
        func link(_ code: LinkCode) -> FunnelLink? {
            guard let link = links[code] else {
                if rows.collectsUnknown { rows.unknownCodes.insert(code) }
                return nil
            }
            return earlier?[code] == nil ? link : nil
        }
        func append(_ entry: Entry, link: FunnelLink, day: LocalDay) {
            for slot in entry.views.indices where entry.views[slot] != 0 {
                rows.counts.append(
                    FunnelCountRow(link: link, day: day, event: Entry.events[slot], count: entry.views[slot]))
            }
            if !entry.visitors.isEmpty {
                rows.visitors.append(FunnelVisitorRow(link: link, day: day, sketch: entry.visitors))
            }
        }
        for (packed, entry) in numeric {
            if let link = link(number: Self.number(packed: packed)) {
                append(entry, link: link, day: Self.day(packed: packed))
            }
        }
        for (key, entry) in named {
            if let link = link(key.code) { append(entry, link: link, day: key.day) }
        }
        for (key, count) in steps {
            if let link = link(key.code) {
                rows.counts.append(FunnelCountRow(link: link, day: key.day, event: key.event, count: count))
            }
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

/// What a flush writes from one or more tallies (the flusher's shards, and a failed flush's counts): the counts and
/// visitor sketches of every link found, and the codes whose links are still to be looked up. Built in one pass
/// over each tally, one look-up per link and day (``init(of:in:)``); the links a look-up then found are added by a
/// second pass (``add(of:found:known:)``), which under steady traffic never runs.
struct FunnelRows {
    fileprivate(set) var counts: [FunnelCountRow] = []
    fileprivate(set) var visitors: [FunnelVisitorRow] = []
    fileprivate var unknownNumbers = Set<UInt64>()
    fileprivate var unknownCodes = Set<LinkCode>()
    fileprivate var collectsUnknown = true

    /// The rows of the links `known` knows, and the codes it does not.
    init(of tallies: [FunnelTally], in known: FunnelLinks) {
        counts.reserveCapacity(tallies.reduce(0) { $0 + $1.linkDayCount })
        for tally in tallies { tally.appendRows(to: &self, in: known, skipping: nil) }
        collectsUnknown = false
    }

    /// Adds the rows of the links `found` has and `known` does not (those ``init(of:in:)`` left out).
    mutating func add(of tallies: [FunnelTally], found: FunnelLinks, known: FunnelLinks) {
        guard found.count > 0 else { return }
        for tally in tallies { tally.appendRows(to: &self, in: found, skipping: known) }
    }

    /// The codes no link was found for, each once: numeric ones by number, whether met in views or in steps.
    var unknown: [LinkCode] {
        unknownNumbers.compactMap(LinkCode.init(number:))
            + unknownCodes.filter { code in code.number.map { !unknownNumbers.contains($0) } ?? true }
    }

    /// Sorts the rows by link, day and event (in key order a flush walks the table's pages in order, and instances
    /// writing at once take their row locks in the same order), and adds up rows of the same key: tallies of
    /// several shards, or of a failed flush, may share one, and PostgreSQL refuses an upsert that meets a row
    /// twice.
    mutating func sortAndCombine() {
        counts.sort { ($0.link.id, $0.day.ordinal, $0.event.order) < ($1.link.id, $1.day.ordinal, $1.event.order) }
        counts.combineAdjacent(
            where: { $0.link.id == $1.link.id && $0.day == $1.day && $0.event == $1.event },
            into: { $0.count += $1.count })
        visitors.sort { ($0.link.id, $0.day.ordinal) < ($1.link.id, $1.day.ordinal) }
        visitors.combineAdjacent(
            where: { $0.link.id == $1.link.id && $0.day == $1.day }, into: { $0.sketch.merge($1.sketch) })
    }
}

extension Array {
    /// Folds each run of adjacent elements that `isSame` pairs into its first, with `combine`.
    fileprivate mutating func combineAdjacent(
        where isSame: (Element, Element) -> Bool, into combine: (inout Element, Element) -> Void
    ) {
        guard count > 1 else { return }
        var kept = 0
        for index in 1..<count {
            if isSame(self[kept], self[index]) {
                combine(&self[kept], self[index])
            } else {
                kept += 1
                if kept != index { swapAt(kept, index) }
            }
        }
        removeLast(count - kept - 1)
    }
}

/// One count a flush adds: to its link's row of that day and event.
struct FunnelCountRow {
    let link: FunnelLink
    let day: LocalDay
    let event: FunnelEvent
    var count: Int
}

/// One visitor sketch a flush merges into its link's row of that day.
struct FunnelVisitorRow {
    let link: FunnelLink
    let day: LocalDay
    var sketch: HyperLogLog
}
