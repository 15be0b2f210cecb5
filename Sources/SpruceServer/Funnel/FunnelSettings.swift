import Foundation
import SpruceCore

/// How the server counts the funnel: how often counts are flushed, and how long daily rows are kept.
public struct FunnelSettings: Sendable {
    /// Seconds between flushes: a crash loses at most this long's counts.
    public var flushInterval: TimeInterval
    public var retention: FunnelRetention
    /// Seconds between re-reads of the organizations' time zones (a change shows within this long).
    public var timeZoneRefresh: TimeInterval
    /// Seconds between roll-ups of days past retention.
    public var rollUpInterval: TimeInterval

    public init(
        flushInterval: TimeInterval = 1,
        retention: FunnelRetention = FunnelRetention.standard,
        timeZoneRefresh: TimeInterval = 10,
        rollUpInterval: TimeInterval = 3600
    ) {
        self.flushInterval = flushInterval
        self.retention = retention
        self.timeZoneRefresh = timeZoneRefresh
        self.rollUpInterval = rollUpInterval
    }
}
