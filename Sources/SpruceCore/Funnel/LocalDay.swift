import Foundation

/// A calendar day (proleptic Gregorian) in some time zone, as the funnel buckets events: `2026-03-08`.
///
/// Arithmetic is on days since 1970-01-01, with the civil-date conversion of Howard Hinnant's `days_from_civil`;
/// only the offset of a time zone at an instant comes from Foundation, so daylight-saving changes are the zone's.
public struct LocalDay: Hashable, Comparable, Sendable, CustomStringConvertible, Codable {
    /// Days since 1970-01-01.
    public let ordinal: Int

    public init(ordinal: Int) { self.ordinal = ordinal }

    /// The day `date` falls on in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: date)
        ordinal = Int((Double(seconds) / 86_400).rounded(.down))
    }

    /// - Throws: ``FunnelInputError`` unless `text` is `YYYY-MM-DD` naming a real day.
    public init(parsing text: String, field: String = "day") throws(FunnelInputError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
            (1...12).contains(month), (1...Self.daysIn(year: year, month: month)).contains(day)
        else { throw FunnelInputError(field: field, rule: "must be a date written YYYY-MM-DD") }
        self.init(year: year, month: month, day: day)
    }

    public init(year: Int, month: Int, day: Int) {
        let shiftedYear = month <= 2 ? year - 1 : year
        let era = (shiftedYear >= 0 ? shiftedYear : shiftedYear - 399) / 400
        let yearOfEra = shiftedYear - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        ordinal = era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month (1–12) and day (1–31).
    public var components: (year: Int, month: Int, day: Int) {
        let shifted = ordinal + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// `YYYY-MM-DD`: the form stored and shown.
    public var description: String {
        let (year, month, day) = components
        return Self.padded(year, 4) + "-" + Self.padded(month, 2) + "-" + Self.padded(day, 2)
    }

    /// `YYYY-MM`: the month a day is rolled up into.
    public var monthText: String {
        let (year, month, _) = components
        return Self.padded(year, 4) + "-" + Self.padded(month, 2)
    }

    public func adding(days: Int) -> LocalDay { LocalDay(ordinal: ordinal + days) }

    /// The Monday of this day's ISO week.
    public var weekStart: LocalDay { LocalDay(ordinal: ordinal - (ordinal + 3).modulo(7)) }

    /// The first day of this day's month.
    public var monthStart: LocalDay {
        let (year, month, _) = components
        return LocalDay(year: year, month: month, day: 1)
    }

    /// The first day of the month `months` months from this day's month.
    public func monthStart(adding months: Int) -> LocalDay {
        let (year, month, _) = components
        let index = year * 12 + (month - 1) + months
        return LocalDay(year: index.floorDivided(by: 12), month: index.modulo(12) + 1, day: 1)
    }

    /// The instant this day starts in `timeZone` (the first instant whose local day is this one).
    public func start(in timeZone: TimeZone) -> Date {
        let midnightUTC = Date(timeIntervalSince1970: TimeInterval(ordinal) * 86_400)
        var guess = midnightUTC.addingTimeInterval(-TimeInterval(timeZone.secondsFromGMT(for: midnightUTC)))
        // Around a change the offset at the guess can differ from the offset at local midnight: settle on the first
        // instant of this day.
        for _ in 0..<3 {
            let corrected = midnightUTC.addingTimeInterval(-TimeInterval(timeZone.secondsFromGMT(for: guess)))
            if corrected == guess { break }
            guess = corrected
        }
        while LocalDay(guess, in: timeZone) < self { guess = guess.addingTimeInterval(1800) }
        while LocalDay(guess.addingTimeInterval(-1800), in: timeZone) == self {
            guess = guess.addingTimeInterval(-1800)
        }
        return guess
    }

    public static func < (lhs: LocalDay, rhs: LocalDay) -> Bool { lhs.ordinal < rhs.ordinal }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(parsing: text)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Int {
    fileprivate func modulo(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }
    fileprivate func floorDivided(by divisor: Int) -> Int { (self - modulo(divisor)) / divisor }
}

/// A funnel input that breaks a rule: the field and the rule, in one line.
public struct FunnelInputError: Error, Equatable, Sendable, CustomStringConvertible {
    public let field: String
    public let rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }

    public var description: String { "\(field) \(rule)" }
}
