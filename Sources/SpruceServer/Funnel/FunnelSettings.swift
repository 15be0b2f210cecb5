import Foundation
import SpruceCore

/// How the server counts the funnel: how often counts are flushed, and how long daily rows are kept.
public struct FunnelSettings: Sendable {
    /// Seconds between the flusher's looks at what is counted; counts this old are flushed while flushing is quick.
    public var flushInterval: TimeInterval
    /// The longest a count waits to be flushed, however long flushing takes: a crash loses at most this long's
    /// counts.
    public var maximumFlushInterval: TimeInterval
    /// The share of the time the flusher may spend flushing: when flushing what is counted would take longer than
    /// this share of the time it has waited (many links were viewed), it waits longer, so that the same links'
    /// counts add up in memory rather than in the database (``flushDelay(estimatedFlush:)``).
    public var flushShare: Double
    public var retention: FunnelRetention
    /// Seconds between re-reads of the organizations' time zones (a change shows within this long).
    public var timeZoneRefresh: TimeInterval
    /// Seconds between roll-ups of days past retention.
    public var rollUpInterval: TimeInterval

    public init(
        flushInterval: TimeInterval = 1,
        maximumFlushInterval: TimeInterval = 30,
        flushShare: Double = 0.02,
        retention: FunnelRetention = FunnelRetention.standard,
        timeZoneRefresh: TimeInterval = 10,
        rollUpInterval: TimeInterval = 3600
    ) {
        self.flushInterval = flushInterval
        self.maximumFlushInterval = max(flushInterval, maximumFlushInterval)
        self.flushShare = flushShare
        self.retention = retention
        self.timeZoneRefresh = timeZoneRefresh
        self.rollUpInterval = rollUpInterval
    }

    /// How long the oldest count waits before a flush expected to take `estimatedFlush` seconds: the flush
    /// interval, or longer when that flush would take more than ``flushShare`` of it, up to
    /// ``maximumFlushInterval``.
    public func flushDelay(estimatedFlush: TimeInterval) -> TimeInterval {
        min(maximumFlushInterval, max(flushInterval, estimatedFlush / flushShare))
    }
}

/// When the flusher flushes: once the oldest count has waited ``FunnelSettings/flushDelay(estimatedFlush:)`` for a
/// flush of what is counted, estimated from what the last large flush took a link and day.
///
/// The estimate comes before the flush, not after it. Sized by the last flush's length alone, the wait fell back
/// to the flush interval while traffic paused, so the first flush of every burst came a second into it: a flush
/// of nearly every link that second's requests met, about one a request under random codes, and the most costly
/// flush a request there is. Under steady traffic the two agree.
struct FunnelPacing {
    /// Flushes of fewer links and days than this teach nothing: their fixed costs outweigh the links'.
    static let minimumSample = 1_000

    let settings: FunnelSettings
    /// When the flusher first saw the counts now waiting (to within one interval); nil when none wait.
    private(set) var pendingSince: TimeInterval?
    /// Seconds the last large flush took a link and day; zero before one.
    private(set) var secondsPerLinkDay: Double = 0

    init(_ settings: FunnelSettings) {
        self.settings = settings
    }

    /// Whether `pending` links and days counted, seen at `now` (seconds on a monotonic clock), are due. Counts
    /// are taken to be as old as they can be: first seen at one look, they may have come right after the last.
    mutating func isDue(pending: Int, now: TimeInterval) -> Bool {
        guard pending > 0 else {
            pendingSince = nil
            return false
        }
        let since = pendingSince ?? now
        pendingSince = since
        let estimate = Double(pending) * secondsPerLinkDay
        return now - since + settings.flushInterval >= settings.flushDelay(estimatedFlush: estimate)
    }

    /// Learns from a flush of `linkDays` links and days that took `took` seconds; the counts it took no longer wait.
    mutating func flushed(linkDays: Int, took: TimeInterval) {
        pendingSince = nil
        if linkDays >= Self.minimumSample { secondsPerLinkDay = took / Double(linkDays) }
    }
}
