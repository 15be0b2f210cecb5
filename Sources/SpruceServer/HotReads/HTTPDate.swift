import Foundation

/// The `Date` header's value (RFC 9110 IMF-fixdate), formatted at most once per second. One per connection,
/// so that no lock is shared between event loops.
struct HTTPDate {
    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    private var second = -1
    private var text = ""

    mutating func now() -> String {
        let seconds = time(nil)
        if Int(seconds) != second {
            second = Int(seconds)
            text = Self.format(seconds)
        }
        return text
    }

    static func format(_ seconds: time_t) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return days[Int(parts.tm_wday)] + ", " + twoDigits(parts.tm_mday) + " " + months[Int(parts.tm_mon)] + " "
            + String(parts.tm_year + 1900) + " " + twoDigits(parts.tm_hour) + ":" + twoDigits(parts.tm_min) + ":"
            + twoDigits(parts.tm_sec) + " GMT"
    }

    private static func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
