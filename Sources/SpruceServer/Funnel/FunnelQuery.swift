import Foundation
import SpruceCore

/// The query of a stats request: `from`, `to` (`YYYY-MM-DD`, in the organization's time zone) and `by`, each checked.
struct FunnelQuery: Sendable {
    let range: FunnelRange
    let grouping: FunnelGrouping

    /// - Throws: a 400 naming `from`, `to` or `by` and the rule.
    init(_ query: String?, today: LocalDay) throws {
        let form = FormData(query: query)
        do {
            range = try FunnelRange(from: form["from"], to: form["to"], today: today)
        } catch {
            throw ServerError.invalid(error.field, error.rule)
        }
        guard let grouping = FunnelGrouping(rawValue: form["by"] ?? "day") else {
            throw ServerError.invalid("by", "must be one of: day, week, month")
        }
        self.grouping = grouping
    }

    /// Today in `zone`.
    static func today(in zone: FunnelTimeZone, now: Date = Date()) -> LocalDay { LocalDay(now, in: zone.timeZone) }
}
