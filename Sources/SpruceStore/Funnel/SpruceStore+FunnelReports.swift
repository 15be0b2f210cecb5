import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// The event name months store their unique-visitor sums under.
    static let uniqueVisitorsEvent = "unique_visitors"

    /// A link's funnel over `range`, grouped, zero-filled, in its organization's time zone. Disabled links have
    /// their history too.
    /// - Throws: ``StoreError/linkNotFound`` when no link has `code` or it is out of `scope`.
    public func linkFunnel(
        code: LinkCode, range: FunnelRange, grouping: FunnelGrouping, in scope: OrganizationScope
    ) async throws -> LinkFunnelReport {
        try await snapshot { database in
            guard let link = try await Self.link(code: code, in: database), scope.contains(link.organizationID) else {
                throw StoreError.linkNotFound
            }
            let zone = try await Self.funnelTimeZone(of: link.organizationID.rawValue, in: database)
            var periods = LinkFunnelReport.emptyPeriods(range, grouping: grouping)
            let index = Dictionary(uniqueKeysWithValues: periods.enumerated().map { ($1.start, $0) })
            func add(_ day: LocalDay, _ body: (inout FunnelCounts) -> Void) {
                let clamped = max(day, range.from)
                if let position = index[grouping.periodStart(clamped)] { body(&periods[position].counts) }
            }
            let id = link.id.rawValue
            let from = range.from.description
            let to = range.to.description
            for row in try await database.select().columns("day", "event", "count").from("funnel_days")
                .where("link_id", .equal, SQLBind(id)).where("day", .greaterThanOrEqual, SQLBind(from)).where(
                    "day", .lessThanOrEqual, SQLBind(to)
                )
                .all()
            {
                guard let event = FunnelEvent(rawValue: try row.decode(column: "event", as: String.self)) else {
                    continue
                }
                let count = Int(try row.decode(column: "count", as: Int64.self))
                add(try LocalDay(parsing: try row.decode(column: "day", as: String.self))) { $0[event] += count }
            }
            for row in try await database.select().columns("day", "estimate").from("funnel_visitors")
                .where("link_id", .equal, SQLBind(id)).where("day", .greaterThanOrEqual, SQLBind(from)).where(
                    "day", .lessThanOrEqual, SQLBind(to)
                ).all()
            {
                let estimate = Int(try row.decode(column: "estimate", as: Int64.self))
                add(try LocalDay(parsing: try row.decode(column: "day", as: String.self))) {
                    $0.uniqueVisitors += estimate
                }
            }
            for row in try await database.select().columns("month", "event", "count").from("funnel_months")
                .where("link_id", .equal, SQLBind(id))
                .where("month", .greaterThanOrEqual, SQLBind(range.from.monthText))
                .where("month", .lessThanOrEqual, SQLBind(range.to.monthText)).all()
            {
                let month = try LocalDay(parsing: try row.decode(column: "month", as: String.self) + "-01")
                let eventName = try row.decode(column: "event", as: String.self)
                let count = Int(try row.decode(column: "count", as: Int64.self))
                if eventName == Self.uniqueVisitorsEvent {
                    add(month) { $0.uniqueVisitors += count }
                } else if let event = FunnelEvent(rawValue: eventName) {
                    add(month) { $0[event] += count }
                }
            }
            return LinkFunnelReport(code: code, timeZone: zone, range: range, grouping: grouping, periods: periods)
        }
    }

    /// An organization's funnel totals per tag over `range` (a link with two tags counts in both; links without a
    /// tag are one row with a nil tag), sorted by tag; only `tag` when given.
    /// - Throws: ``StoreError/organizationNotFound(id:)`` when it does not exist or is out of `scope`.
    public func tagFunnel(
        organization: OrganizationID, tag: ConversationTag? = nil, range: FunnelRange, in scope: OrganizationScope
    ) async throws -> [TagFunnelTotal] {
        guard scope.contains(organization) else { throw StoreError.organizationNotFound(id: organization.rawValue) }
        return try await snapshot { database in
            guard try await Self.organization(id: organization, in: database) != nil else {
                throw StoreError.organizationNotFound(id: organization.rawValue)
            }
            let org = organization.rawValue
            var tagsByLink: [Int64: [String]] = [:]
            for row in try await database.select().column("id").from("links")
                .where("organization_id", .equal, SQLBind(org)).all()
            {
                tagsByLink[try row.decode(column: "id", as: Int64.self)] = []
            }
            for row in try await database.select()
                .column(SQLColumn("link_id", table: "link_tags")).column(SQLColumn("tag", table: "link_tags"))
                .from("link_tags")
                .join("links", on: SQLColumn("id", table: "links"), .equal, SQLColumn("link_id", table: "link_tags"))
                .where(SQLColumn("organization_id", table: "links"), .equal, SQLBind(org)).all()
            {
                tagsByLink[try row.decode(column: "link_id", as: Int64.self), default: []]
                    .append(try row.decode(column: "tag", as: String.self))
            }
            var perLink: [Int64: FunnelCounts] = [:]
            let from = range.from.description
            let to = range.to.description
            for row in try await database.raw(
                """
                SELECT link_id, event, CAST(SUM(count) AS BIGINT) AS total FROM funnel_days
                WHERE organization_id = \(bind: org) AND day BETWEEN \(bind: from) AND \(bind: to)
                GROUP BY link_id, event
                UNION ALL
                SELECT link_id, \(bind: Self.uniqueVisitorsEvent) AS event, CAST(SUM(estimate) AS BIGINT) AS total
                FROM funnel_visitors
                WHERE organization_id = \(bind: org) AND day BETWEEN \(bind: from) AND \(bind: to)
                GROUP BY link_id
                UNION ALL
                SELECT link_id, event, CAST(SUM(count) AS BIGINT) AS total FROM funnel_months
                WHERE organization_id = \(bind: org)
                  AND month BETWEEN \(bind: range.from.monthText) AND \(bind: range.to.monthText)
                GROUP BY link_id, event
                """
            ).all() {
                let link = try row.decode(column: "link_id", as: Int64.self)
                let eventName = try row.decode(column: "event", as: String.self)
                let total = Int(try row.decode(column: "total", as: Int64.self))
                if eventName == Self.uniqueVisitorsEvent {
                    perLink[link, default: FunnelCounts()].uniqueVisitors += total
                } else if let event = FunnelEvent(rawValue: eventName) {
                    perLink[link, default: FunnelCounts()][event] += total
                }
            }
            var totals: [String?: (links: Int, counts: FunnelCounts)] = [:]
            for (link, tags) in tagsByLink {
                let counts = perLink[link] ?? FunnelCounts()
                for name in tags.isEmpty ? [nil] : tags.map(Optional.some) {
                    if let tag, name != tag.rawValue { continue }
                    totals[name, default: (0, FunnelCounts())].links += 1
                    totals[name, default: (0, FunnelCounts())].counts.add(counts)
                }
            }
            if let tag, totals[tag.rawValue] == nil { totals[tag.rawValue] = (0, FunnelCounts()) }
            return totals.map { TagFunnelTotal(tag: $0.key, links: $0.value.links, counts: $0.value.counts) }
                .sorted { ($0.tag ?? "\u{10FFFF}") < ($1.tag ?? "\u{10FFFF}") }
        }
    }

    /// Rolls daily rows older than `retention` into whole months (sums; a month's unique visitors are the sum of
    /// its days' estimates) and deletes those days and their sketches, in one transaction.
    /// - Returns: how many daily rows (counts and sketches) were rolled up.
    @discardableResult
    public func rollUpFunnel(retention: FunnelRetention, at now: Date = Date()) async throws -> Int {
        // The latest day anywhere (UTC+14): days before its retention window are over in every time zone.
        let today = LocalDay(now.addingTimeInterval(14 * 3600), in: TimeZone(secondsFromGMT: 0) ?? .gmt)
        let cutoff = retention.firstDailyDay(today: today).description
        let lock = engine.funnelLock
        return try await transaction { database in
            if let lock { try await database.execute(sql: SQLRaw(lock)) { _ in } }
            try await database.raw(
                """
                INSERT INTO funnel_months (link_id, organization_id, month, event, count)
                SELECT link_id, organization_id, substr(day, 1, 7), event, SUM(count) FROM funnel_days
                WHERE day < \(bind: cutoff)
                GROUP BY link_id, organization_id, substr(day, 1, 7), event
                ON CONFLICT (link_id, month, event) DO UPDATE SET count = funnel_months.count + excluded.count
                """
            ).run()
            try await database.raw(
                """
                INSERT INTO funnel_months (link_id, organization_id, month, event, count)
                SELECT link_id, organization_id, substr(day, 1, 7), \(bind: Self.uniqueVisitorsEvent), SUM(estimate)
                FROM funnel_visitors
                WHERE day < \(bind: cutoff)
                GROUP BY link_id, organization_id, substr(day, 1, 7)
                ON CONFLICT (link_id, month, event) DO UPDATE SET count = funnel_months.count + excluded.count
                """
            ).run()
            let days = try await database.raw(
                "DELETE FROM funnel_days WHERE day < \(bind: cutoff) RETURNING link_id"
            ).all().count
            let sketches = try await database.raw(
                "DELETE FROM funnel_visitors WHERE day < \(bind: cutoff) RETURNING link_id"
            ).all().count
            return days + sketches
        }
    }
}
