import SpruceCore

/// Visitor sketches an instance knows to be stored: what it wrote itself, merged. A stored sketch only ever grows,
/// whoever writes it, so when a flush's sketch for a link and day adds nothing to what is known stored, reading the
/// stored one back to merge (and finding nothing to write) can be skipped: under steady traffic most visitors of a
/// day come back, and the flush then touches only counts.
///
/// Held in memory only, for sparse sketches only (a dense one is 16 KiB), and bounded: past ``keyLimit`` links and
/// days (about 100 bytes each) or ``registerLimit`` set registers in all (4 bytes each), it starts over empty,
/// which costs only reads. The bound covers a flush interval's worth of links on a busy instance.
public struct StoredSketches: Sendable {
    public static let keyLimit = 250_000
    public static let registerLimit = 1_000_000

    /// Numeric links' sketches by the tally's packed key (the code's number above the day), the others by link
    /// and day: the flush then neither makes nor hashes a code's text.
    private var numbered: [UInt64: HyperLogLog] = [:]
    private var named: [FunnelTally.DayKey: HyperLogLog] = [:]
    private var registers = 0

    public init() {}

    /// How many links and days are known.
    public var count: Int { numbered.count + named.count }

    /// Takes out of `tally` the sketches that add nothing to what is stored.
    public func removeStored(from tally: inout FunnelTally) {
        guard count > 0 else { return }
        tally.removeVisitors(
            where: { packed, sketch in numbered[packed]?.covers(sketch) ?? false },
            named: { key, sketch in named[key]?.covers(sketch) ?? false })
    }

    /// Remembers that `tally`'s sketches are stored now (its write succeeded).
    public mutating func remember(_ tally: FunnelTally) {
        tally.forEachSketch(
            numbered: { packed, sketch in remember(sketch, at: packed, in: \.numbered) },
            named: { key, sketch in remember(sketch, at: key, in: \.named) })
    }

    private mutating func remember<Key: Hashable>(
        _ sketch: HyperLogLog, at key: Key, in sketches: WritableKeyPath<Self, [Key: HyperLogLog]>
    ) {
        var known = self[keyPath: sketches][key] ?? HyperLogLog()
        let before = known.sparseCount ?? 0
        known.merge(sketch)
        guard let after = known.sparseCount else {
            self[keyPath: sketches][key] = nil
            registers -= before
            return
        }
        if count >= Self.keyLimit || registers + after - before > Self.registerLimit {
            numbered = [:]
            named = [:]
            registers = 0
            return
        }
        self[keyPath: sketches][key] = known
        registers += after - before
    }
}
