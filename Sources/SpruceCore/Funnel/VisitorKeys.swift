import Crypto
import Foundation

/// The keys that turn (client address, user agent) into the 64-bit hash a ``HyperLogLog`` counts: one random key
/// per local day, made in memory and forgotten once that day has ended in every time zone. Keys are never written
/// anywhere, so once forgotten, nobody (the operator included) can tell whether two hashes were the same visitor,
/// and a day's hashes cannot be linked to the next day's.
///
/// Each instance draws its own keys, so a visitor whom a load balancer sends to two instances on one day counts
/// twice (docs/ARCHITECTURE.md, "The funnel").
public struct VisitorKeys: Sendable {
    /// A local day is current somewhere from 14 hours before its UTC midnight (UTC+14) until 12 hours after its end
    /// (UTC−12).
    static let earliestOffset: TimeInterval = -14 * 3600
    static let latestEnd: TimeInterval = 36 * 3600

    /// 32 random bytes per day (``SymmetricKey`` is not `Sendable`).
    private var keys: [LocalDay: [UInt8]] = [:]

    public init() {}

    /// The days a key is held for now.
    public var days: [LocalDay] { keys.keys.sorted() }

    /// Makes the keys of every day current somewhere at `now`, and forgets the keys of days over everywhere.
    public mutating func rotate(now: Date) {
        let seconds = now.timeIntervalSince1970
        keys = keys.filter { day, _ in seconds < Double(day.ordinal) * 86_400 + Self.latestEnd }
        let first = LocalDay(ordinal: Int(((seconds - Self.latestEnd) / 86_400).rounded(.down)) + 1)
        let last = LocalDay(ordinal: Int(((seconds - Self.earliestOffset) / 86_400).rounded(.down)))
        for ordinal in first.ordinal...max(first.ordinal, last.ordinal) where keys[LocalDay(ordinal: ordinal)] == nil {
            var generator = SystemRandomNumberGenerator()
            keys[LocalDay(ordinal: ordinal)] = (0..<32).map { _ in UInt8.random(in: 0...UInt8.max, using: &generator) }
        }
    }

    /// The visitor's hash for `day`, or nil when no key is held for that day.
    public func hash(address: String, userAgent: String?, day: LocalDay) -> UInt64? {
        guard let key = keys[day] else { return nil }
        var input = Data(address.utf8.prefix(64))
        input.append(0)
        input.append(contentsOf: (userAgent ?? "").utf8.prefix(TrafficClassifier.maximumAgentBytes))
        let mac = HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: key))
        return mac.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
