import Foundation
import SpruceCore

/// How the server counts the funnel: how often counts are flushed, and how long daily rows are kept.
public struct FunnelSettings: Sendable {
    /// Seconds between flushes while flushing is quick.
    public var flushInterval: TimeInterval
    /// The longest wait between two flushes, however long flushing takes: a crash loses at most this long's
    /// counts.
    public var maximumFlushInterval: TimeInterval
    /// The share of the time the flusher may spend flushing: when a flush took longer than this share of the
    /// interval (many links were viewed since the last one), the next waits longer, so that the same counts
    /// add up in memory rather than in the database (``nextFlushInterval(after:)``).
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

    /// The wait before the next flush, given how long the last one took: the flush interval, or longer when the
    /// flush took more than ``flushShare`` of it, up to ``maximumFlushInterval``.
    public func nextFlushInterval(after flushTook: TimeInterval) -> TimeInterval {
        min(maximumFlushInterval, max(flushInterval, flushTook / flushShare))
    }
}
