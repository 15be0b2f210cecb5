import Foundation

/// The funnel's counts over some period: one number per event, and the unique visitors.
public struct FunnelCounts: Equatable, Sendable {
    public private(set) var values: [FunnelEvent: Int]
    /// The sum of each day's estimate: a visitor who comes back on another day counts again, since days are
    /// unlinkable by design (``VisitorKeys``).
    public var uniqueVisitors: Int

    public init(values: [FunnelEvent: Int] = [:], uniqueVisitors: Int = 0) {
        self.values = values
        self.uniqueVisitors = uniqueVisitors
    }

    public subscript(event: FunnelEvent) -> Int {
        get { values[event] ?? 0 }
        set { values[event] = newValue }
    }

    public mutating func add(_ other: FunnelCounts) {
        for (event, count) in other.values { self[event] += count }
        uniqueVisitors += other.uniqueVisitors
    }

    public var isZero: Bool { uniqueVisitors == 0 && !values.values.contains { $0 != 0 } }
}

/// One row of a report: the period starting on `start`.
public struct FunnelPeriod: Equatable, Sendable {
    public let start: LocalDay
    public var counts: FunnelCounts

    public init(start: LocalDay, counts: FunnelCounts = FunnelCounts()) {
        self.start = start
        self.counts = counts
    }
}

/// One link's funnel over a range of days, grouped by day, week or month, zero-filled.
public struct LinkFunnelReport: Equatable, Sendable {
    public let code: LinkCode
    public let timeZone: FunnelTimeZone
    public let range: FunnelRange
    public let grouping: FunnelGrouping
    /// Every period of the range, oldest first. Days rolled up into months (``FunnelRetention``) show in the
    /// period of their month's first day.
    public let periods: [FunnelPeriod]

    public init(
        code: LinkCode, timeZone: FunnelTimeZone, range: FunnelRange, grouping: FunnelGrouping,
        periods: [FunnelPeriod]
    ) {
        self.code = code
        self.timeZone = timeZone
        self.range = range
        self.grouping = grouping
        self.periods = periods
    }

    public var totals: FunnelCounts {
        periods.reduce(into: FunnelCounts()) { $0.add($1.counts) }
    }

    /// Empty periods for every period start in `range`, oldest first.
    public static func emptyPeriods(_ range: FunnelRange, grouping: FunnelGrouping) -> [FunnelPeriod] {
        var starts: [LocalDay] = []
        for day in range.days {
            let start = grouping.periodStart(day)
            if starts.last != start { starts.append(start) }
        }
        return starts.map { FunnelPeriod(start: $0) }
    }
}

/// One tag's (or untagged links') funnel totals in an organization over a range.
public struct TagFunnelTotal: Equatable, Sendable {
    /// The tag; nil for links without a tag.
    public let tag: String?
    public let links: Int
    public let counts: FunnelCounts

    public init(tag: String?, links: Int, counts: FunnelCounts) {
        self.tag = tag
        self.links = links
        self.counts = counts
    }
}

/// The CSV form of funnel reports, the same for the browser download and the CLI.
public enum FunnelCSV {
    /// The column names after the first one.
    public static let eventColumns = FunnelEvent.allCases.map(\.rawValue)

    /// `period,scan,visit,…,preview,unique_visitors`, one line per period, CRLF line ends (RFC 4180).
    public static func render(_ report: LinkFunnelReport) -> String {
        var lines = [(["period"] + eventColumns + ["unique_visitors"]).joined(separator: ",")]
        for period in report.periods {
            lines.append(([period.start.description] + numbers(period.counts)).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `tag,links,scan,…,unique_visitors`; tags are quoted as CSV requires, and a leading `=`, `+`, `-` or `@` is
    /// prefixed with `'` so that spreadsheets do not run it as a formula.
    public static func render(_ totals: [TagFunnelTotal]) -> String {
        var lines = [(["tag", "links"] + eventColumns + ["unique_visitors"]).joined(separator: ",")]
        for total in totals {
            lines.append(
                ([field(total.tag ?? ""), String(total.links)] + numbers(total.counts)).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    private static func numbers(_ counts: FunnelCounts) -> [String] {
        FunnelEvent.allCases.map { String(counts[$0]) } + [String(counts.uniqueVisitors)]
    }

    static func field(_ text: String) -> String {
        var value = text
        if let first = value.first, "=+-@".contains(first) { value = "'" + value }
        guard value.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return value }
        return "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
