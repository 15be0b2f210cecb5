import Foundation

/// A HyperLogLog sketch of distinct 64-bit hashes: how many unique visitors a link had in a day, without keeping
/// who they were.
///
/// Precision 14: 16 384 one-byte registers, standard error 1.04 / √16384 ≈ 0.81 %. Below 2.5 × 16 384 distinct
/// values the estimate is linear counting (exact to a fraction of a percent there). Sketches merge by taking each
/// register's maximum, so instances and flushes add up without double counting. Stored as ``bytes``: sparse
/// (index, value) pairs while few registers are set, the dense registers otherwise.
public struct HyperLogLog: Equatable, Sendable {
    public static let precision = 14
    public static let registerCount = 1 << precision
    /// The relative standard error of an estimate: 1.04 / √m.
    public static let standardError = 1.04 / Double(registerCount).squareRoot()

    private static let formatVersion: UInt8 = 1
    private static let denseTag: UInt8 = 0
    private static let sparseTag: UInt8 = 1

    private(set) var registers: [UInt8]

    public init() { registers = [UInt8](repeating: 0, count: Self.registerCount) }

    /// Whether no hash was ever added.
    public var isEmpty: Bool { !registers.contains { $0 != 0 } }

    /// Adds one hashed value; uniformly distributed 64-bit hashes are assumed.
    public mutating func add(hash: UInt64) {
        let index = Int(hash >> UInt64(64 - Self.precision))
        let rest = hash << UInt64(Self.precision)
        let rank = UInt8(min(rest.leadingZeroBitCount, 64 - Self.precision) + 1)
        if registers[index] < rank { registers[index] = rank }
    }

    /// Adds every value `other` saw.
    public mutating func merge(_ other: HyperLogLog) {
        for index in 0..<Self.registerCount where other.registers[index] > registers[index] {
            registers[index] = other.registers[index]
        }
    }

    /// The estimated number of distinct hashes added.
    public var estimate: Int {
        let m = Double(Self.registerCount)
        var sum = 0.0
        var zeros = 0
        for register in registers {
            sum += 1 / Double(UInt64(1) << UInt64(register))
            if register == 0 { zeros += 1 }
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m, zeros > 0 { return Int((m * log(m / Double(zeros))).rounded()) }
        return Int(raw.rounded())
    }

    /// The stored form: a version byte, a format byte, then the dense registers or (big-endian index, value) pairs.
    public var bytes: [UInt8] {
        let set = registers.indices.filter { registers[$0] != 0 }
        if set.count * 3 < Self.registerCount {
            var output: [UInt8] = [Self.formatVersion, Self.sparseTag]
            output.reserveCapacity(2 + set.count * 3)
            for index in set {
                output.append(UInt8(index >> 8))
                output.append(UInt8(index & 0xFF))
                output.append(registers[index])
            }
            return output
        }
        return [Self.formatVersion, Self.denseTag] + registers
    }

    /// Reads ``bytes`` back.
    /// - Throws: ``FunnelInputError`` when the bytes are not a sketch of this precision.
    public init(bytes: some Collection<UInt8>) throws(FunnelInputError) {
        let bytes = Array(bytes)
        let broken = FunnelInputError(field: "sketch", rule: "is not a HyperLogLog of precision \(Self.precision)")
        guard bytes.count >= 2, bytes[0] == Self.formatVersion else { throw broken }
        var registers = [UInt8](repeating: 0, count: Self.registerCount)
        let maximumRank = UInt8(64 - Self.precision + 1)
        switch bytes[1] {
        case Self.denseTag:
            guard bytes.count == 2 + Self.registerCount else { throw broken }
            registers = Array(bytes[2...])
        case Self.sparseTag:
            guard (bytes.count - 2) % 3 == 0 else { throw broken }
            var offset = 2
            while offset < bytes.count {
                let index = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
                guard index < Self.registerCount else { throw broken }
                registers[index] = bytes[offset + 2]
                offset += 3
            }
        default:
            throw broken
        }
        guard !registers.contains(where: { $0 > maximumRank }) else { throw broken }
        self.registers = registers
    }
}
