import Foundation

/// An organization's funnel time zone: the IANA zone its days are counted in (UTC unless the organization chose
/// one).
public struct FunnelTimeZone: Hashable, Sendable, CustomStringConvertible {
    public static let utc = FunnelTimeZone(validated: "UTC")
    public static let maximumLength = 64

    /// The IANA identifier, e.g. `America/New_York`.
    public let identifier: String

    /// - Throws: ``FunnelInputError`` naming `field` unless `identifier` is a time zone this system knows.
    public init(_ identifier: String, field: String = "time zone") throws(FunnelInputError) {
        guard identifier.utf8.count <= Self.maximumLength,
            identifier == "UTC" || TimeZone.knownTimeZoneIdentifiers.contains(identifier),
            TimeZone(identifier: identifier) != nil
        else {
            throw FunnelInputError(field: field, rule: "must be an IANA time zone such as America/New_York or UTC")
        }
        self.identifier = identifier
    }

    private init(validated: String) { identifier = validated }

    /// Foundation's zone; UTC should the system forget the identifier.
    public var timeZone: TimeZone { TimeZone(identifier: identifier) ?? TimeZone(secondsFromGMT: 0) ?? .current }

    public var description: String { identifier }
}

/// How funnel rows are grouped when read.
public enum FunnelGrouping: String, CaseIterable, Sendable, Codable {
    case day, week, month

    /// The first day of the period `day` falls in (weeks start on Monday, ISO 8601).
    public func periodStart(_ day: LocalDay) -> LocalDay {
        switch self {
        case .day: day
        case .week: day.weekStart
        case .month: day.monthStart
        }
    }
}

/// An inclusive range of days asked for, within bounds.
public struct FunnelRange: Equatable, Sendable {
    /// The longest range one request may ask for (about ten years).
    public static let maximumDays = 3_700
    /// The range shown when none is asked for: the last 30 days, today included.
    public static let defaultDays = 30

    public let from: LocalDay
    public let to: LocalDay

    /// - Throws: ``FunnelInputError`` naming `to` when it comes before `from` or the range is too long.
    public init(from: LocalDay, to: LocalDay) throws(FunnelInputError) {
        guard from <= to else { throw FunnelInputError(field: "to", rule: "must not be before from") }
        guard to.ordinal - from.ordinal < Self.maximumDays else {
            throw FunnelInputError(field: "to", rule: "must be at most \(Self.maximumDays) days after from")
        }
        self.from = from
        self.to = to
    }

    /// Parses optional `from`/`to` texts; a missing `to` is `today`, a missing `from` 29 days before `to`.
    /// - Throws: ``FunnelInputError`` naming the field that is not `YYYY-MM-DD` or breaks the range's rules.
    public init(from fromText: String?, to toText: String?, today: LocalDay) throws(FunnelInputError) {
        let to = try toText.map { text throws(FunnelInputError) in try LocalDay(parsing: text, field: "to") } ?? today
        let from =
            try fromText.map { text throws(FunnelInputError) in try LocalDay(parsing: text, field: "from") }
            ?? to.adding(days: -(Self.defaultDays - 1))
        try self.init(from: from, to: to)
    }

    public var days: [LocalDay] { (from.ordinal...to.ordinal).map(LocalDay.init(ordinal:)) }
}

/// How long daily rows are kept before they are rolled up into months.
public struct FunnelRetention: Equatable, Sendable {
    public static let allowedMonths = 2...120
    /// Thirteen calendar months of days.
    public static let standard = FunnelRetention(validated: 13)
    /// Calendar months of daily rows kept, the current one included.
    public let dailyMonths: Int

    /// - Throws: ``FunnelInputError`` unless `dailyMonths` is within ``allowedMonths``.
    public init(dailyMonths: Int = 13) throws(FunnelInputError) {
        guard Self.allowedMonths.contains(dailyMonths) else {
            throw FunnelInputError(
                field: "retention months",
                rule: "must be from \(Self.allowedMonths.lowerBound) to \(Self.allowedMonths.upperBound)")
        }
        self.dailyMonths = dailyMonths
    }

    private init(validated: Int) { dailyMonths = validated }

    /// The first day kept daily when `today` is the latest day anywhere: the first of the month `dailyMonths - 1`
    /// months back. Days before it are rolled up into whole months.
    public func firstDailyDay(today: LocalDay) -> LocalDay { today.monthStart(adding: -(dailyMonths - 1)) }
}
