import Foundation

/// How many times something may be counted against one key within a fixed window: the one rate-limit policy
/// type of the store and the server (logins, signups, connect requests, messages).
///
/// Past `limit`, a policy either refuses until the window ends, or, with ``growingDelay``, lets one more attempt
/// through after each delay, the delays growing with every attempt past the limit: the account-wide login budget
/// slows a distributed guesser down without ever locking the owner out.
public struct RatePolicy: Equatable, Sendable, CustomStringConvertible {
    /// Delays past the limit: `step × n²` after the n-th attempt past it, at most `maximum`.
    public struct GrowingDelay: Equatable, Sendable {
        public var step: TimeInterval
        public var maximum: TimeInterval

        public init(step: TimeInterval = 1, maximum: TimeInterval = 120) {
            self.step = step
            self.maximum = maximum
        }

        /// The wait after the `excess`-th attempt past the limit.
        public func delay(afterExcess excess: Int) -> TimeInterval {
            guard excess > 0 else { return 0 }
            let growth = Double(excess) * Double(excess) * step
            return min(maximum, growth)
        }
    }

    public var limit: Int
    public var window: TimeInterval
    public var growingDelay: GrowingDelay?

    public init(limit: Int, window: TimeInterval, growingDelay: GrowingDelay? = nil) {
        self.limit = limit
        self.window = window
        self.growingDelay = growingDelay
    }

    /// Never refuses: for tests and imports.
    public static let unlimited = RatePolicy(limit: .max, window: 60)

    public var isUnlimited: Bool { limit == .max }

    /// `at most 5 per 15 minutes`, `at most 60 per minute`.
    public var description: String {
        let window = Self.duration(window)
        return "at most \(limit) per \(window.hasPrefix("1 ") ? String(window.dropFirst(2)) : window)"
    }

    /// `15 minutes`, `1 hour`, `45 seconds`.
    static func duration(_ seconds: TimeInterval) -> String {
        let whole = max(1, Int(seconds.rounded(.up)))
        if whole % 3600 == 0 { return whole == 3600 ? "1 hour" : "\(whole / 3600) hours" }
        if whole % 60 == 0 { return whole == 60 ? "1 minute" : "\(whole / 60) minutes" }
        return whole == 1 ? "1 second" : "\(whole) seconds"
    }
}
