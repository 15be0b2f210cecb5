import Foundation

/// A HyperLogLog sketch of distinct 64-bit hashes: how many unique visitors a link had in a day, without keeping
/// who they were.
///
/// Precision 14: 16 384 one-byte registers, standard error 1.04 / √16384 ≈ 0.81 %. Below 2.5 × 16 384 distinct
/// values the estimate is linear counting (exact to a fraction of a percent there). Sketches merge by taking each
/// register's maximum, so instances and flushes add up without double counting. Stored as ``bytes``: sparse
/// (index, value) pairs while few registers are set, the dense registers otherwise.
///
/// In memory a sketch is sparse too until ``sparseLimit`` registers are set: most links see a handful of visitors
/// between two flushes, and a dense sketch per link and day (16 KiB to zero, merge, encode and estimate) cost the
/// server more than answering the requests did. A sketch of one register (a link one visitor viewed, the
/// commonest case under a flyer campaign) holds it inline, without an array to allocate on the request path.
public struct HyperLogLog: Equatable, Sendable {
    public static let precision = 14
    public static let registerCount = 1 << precision
    /// The relative standard error of an estimate: 1.04 / √m.
    public static let standardError = 1.04 / Double(registerCount).squareRoot()
    /// Set registers past which a sketch turns dense in memory (4 bytes each while sparse: 8 KiB at most).
    static let sparseLimit = registerCount / 8

    private static let formatVersion: UInt8 = 1
    private static let denseTag: UInt8 = 0
    private static let sparseTag: UInt8 = 1
    private static let maximumRank = UInt8(64 - precision + 1)

    private enum Storage: Equatable, Sendable {
        /// The one set register, as `index << 8 | value`.
        case one(UInt32)
        /// Set registers only, as `index << 8 | value`, sorted by index (none, or more than one).
        case sparse([UInt32])
        case dense([UInt8])
    }

    private var storage: Storage

    public init() { storage = .sparse([]) }

    /// Whether no hash was ever added.
    public var isEmpty: Bool {
        switch storage {
        case .one: false
        case .sparse(let entries): entries.isEmpty
        case .dense(let registers): !registers.contains { $0 != 0 }
        }
    }

    /// Adds one hashed value; uniformly distributed 64-bit hashes are assumed.
    public mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rest = hash << UInt64(Self.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.precision) + 1)
        raise(index: index, to: rank)
    }

    /// How many registers are set while the sketch is sparse in memory, or nil once it is dense.
    public var sparseCount: Int? {
        sparseEntries?.count
    }

    /// The set registers as `index << 8 | value` by index, unless the sketch is dense.
    private var sparseEntries: [UInt32]? {
        switch storage {
        case .one(let entry): [entry]
        case .sparse(let entries): entries
        case .dense: nil
        }
    }

    /// Whether every value `other` saw is already counted here: merging it would change nothing.
    public func covers(_ other: HyperLogLog) -> Bool {
        var merged = self
        merged.merge(other)
        return merged == self
    }

    /// Adds every value `other` saw.
    public mutating func merge(_ other: HyperLogLog) {
        switch other.storage {
        case .one(let entry):
            raise(index: Int(entry >> 8), to: UInt8(entry & 0xFF))
        case .sparse(let entries):
            for entry in entries { raise(index: Int(entry >> 8), to: UInt8(entry & 0xFF)) }
        case .dense(let others):
            var registers = denseRegisters
            for index in 0..<Self.registerCount where others[index] > registers[index] {
                registers[index] = others[index]
            }
            storage = .dense(registers)
        }
    }

    private mutating func raise(index: Int, to rank: UInt8) {
        switch storage {
        case .dense(var registers):
            guard registers[index] < rank else { return }
            storage = .sparse([])
            registers[index] = rank
            storage = .dense(registers)
        case .one(let entry):
            let key = UInt32(index) << 8
            if entry & ~0xFF == key {
                if UInt8(entry & 0xFF) < rank { storage = .one(key | UInt32(rank)) }
                return
            }
            storage = .sparse(entry < key ? [entry, key | UInt32(rank)] : [key | UInt32(rank), entry])
        case .sparse(var entries):
            let key = UInt32(index) << 8
            if entries.isEmpty {
                storage = .one(key | UInt32(rank))
                return
            }
            let position = Self.insertionPoint(of: key, in: entries)
            if position < entries.count, entries[position] & ~0xFF == key {
                guard UInt8(entries[position] & 0xFF) < rank else { return }
                storage = .sparse([])
                entries[position] = key | UInt32(rank)
                storage = .sparse(entries)
                return
            }
            storage = .sparse([])
            entries.insert(key | UInt32(rank), at: position)
            storage = entries.count > Self.sparseLimit ? .dense(Self.registers(of: entries)) : .sparse(entries)
        }
    }

    private static func insertionPoint(of key: UInt32, in entries: [UInt32]) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle] & ~0xFF < key { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func registers(of entries: [UInt32]) -> [UInt8] {
        var registers = [UInt8](repeating: 0, count: registerCount)
        for entry in entries { registers[Int(entry >> 8)] = UInt8(entry & 0xFF) }
        return registers
    }

    private var denseRegisters: [UInt8] {
        switch storage {
        case .one(let entry): Self.registers(of: [entry])
        case .sparse(let entries): Self.registers(of: entries)
        case .dense(let registers): registers
        }
    }

    /// The set registers as (index, value), by index.
    private var setRegisters: [(index: Int, value: UInt8)] {
        switch storage {
        case .one(let entry): [(Int(entry >> 8), UInt8(entry & 0xFF))]
        case .sparse(let entries): entries.map { (Int($0 >> 8), UInt8($0 & 0xFF)) }
        case .dense(let registers): registers.indices.filter { registers[$0] != 0 }.map { ($0, registers[$0]) }
        }
    }

    public static func == (lhs: HyperLogLog, rhs: HyperLogLog) -> Bool {
        switch (lhs.sparseEntries, rhs.sparseEntries) {
        case (let left?, let right?): left == right
        default: lhs.denseRegisters == rhs.denseRegisters
        }
    }

    /// The estimated number of distinct hashes added.
    public var estimate: Int {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        switch storage {
        case .one(let entry):
            zeros = Self.registerCount - 1
            sum = Double(zeros) + Self.inversePowers[Int(entry & 0xFF)]
        case .sparse(let entries):
            zeros = Self.registerCount - entries.count
            sum = Double(zeros)
            for entry in entries { sum += Self.inversePowers[Int(entry & 0xFF)] }
        case .dense(let registers):
            for register in registers {
                sum += Self.inversePowers[Int(register)]
                if register == 0 { zeros += 1 }
            }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }

    /// 2⁻ʳ for every rank r a register can hold.
    private static let inversePowers: [Double] = (0...Int(maximumRank)).map { 1 / Double(UInt64(1) << UInt64($0)) }

    /// The stored form: a version byte, a format byte, then the dense registers or (big-endian index, value) pairs.
    public var bytes: [UInt8] {
        let set = setRegisters
        if set.count * 3 < Self.registerCount {
            var output: [UInt8] = [Self.formatVersion, Self.sparseTag]
            output.reserveCapacity(2 + set.count * 3)
            for (index, value) in set {
                output.append(UInt8(index >> 8))
                output.append(UInt8(index & 0xFF))
                output.append(value)
            }
            return output
        }
        return [Self.formatVersion, Self.denseTag] + denseRegisters
    }

    /// Reads ``bytes`` back.
    /// - Throws: ``FunnelInputError`` when the bytes are not a sketch of this precision.
    public init(bytes: some Collection<UInt8>) throws(FunnelInputError) {
        let bytes = Array(bytes)
        let broken = FunnelInputError(field: "sketch", rule: "is not a HyperLogLog of precision \(Self.precision)")
        guard bytes.count >= 2, bytes[0] == Self.formatVersion else { throw broken }
        switch bytes[1] {
        case Self.denseTag:
            guard bytes.count == 2 + Self.registerCount else { throw broken }
            let registers = Array(bytes[2...])
            guard !registers.contains(where: { $0 > Self.maximumRank }) else { throw broken }
            storage = .dense(registers)
        case Self.sparseTag:
            guard (bytes.count - 2) % 3 == 0 else { throw broken }
            storage = .sparse([])
            var offset = 2
            while offset < bytes.count {
                let index = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                let value = bytes[offset + 2]
                guard index < Self.registerCount, value <= Self.maximumRank else { throw broken }
                if value > 0 { raise(index: index, to: value) }
                offset += 3
            }
        default:
            throw broken
        }
    }
}
