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

    private var keys: [LocalDay: SipHash24] = [:]

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
            let key = (0..<16).map { _ in UInt8.random(in: 0...UInt8.max, using: &generator) }
            keys[LocalDay(ordinal: ordinal)] = SipHash24(key: key)
        }
    }

    /// The visitor's hash for `day` (SipHash-2-4 of the address, a zero byte and the user agent, both cut to
    /// their limits), or nil when no key is held for that day.
    public func hash(address: String, userAgent: String?, day: LocalDay) -> UInt64? {
        guard let key = keys[day] else { return nil }
        var message = key.message()
        message.append(address, limit: 64)
        message.append(0)
        message.append(userAgent ?? "", limit: TrafficClassifier.maximumAgentBytes)
        return message.finalize()
    }
}
