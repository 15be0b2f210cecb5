import SQLKit

extension Schema {
    /// The funnel (docs/ARCHITECTURE.md, "The funnel"): counts per link, local day and event, added to by upserts;
    /// each day's unique-visitor sketch (HyperLogLog registers, never addresses); months rolled up from days past
    /// retention; and each organization's time zone. No foreign key to `links`: a link's history outlives it.
    @Sendable static func version10(_ database: any SQLDatabase) async throws {
        try await database.alter(table: "organizations").column("time_zone", type: .text).run()
        try await database.create(table: "funnel_days")
            .column("link_id", type: .bigint, .notNull)
            .column("organization_id", type: .bigint, .notNull)
            .column("day", type: .text, .notNull)
            .column("event", type: .text, .notNull)
            .column("count", type: .bigint, .notNull)
            .primaryKey("link_id", "day", "event")
            .run()
        try await database.create(index: "funnel_days_by_organization").on("funnel_days")
            .column("organization_id").column("day").run()
        try await database.create(table: "funnel_visitors")
            .column("link_id", type: .bigint, .notNull)
            .column("organization_id", type: .bigint, .notNull)
            .column("day", type: .text, .notNull)
            .column("sketch", type: .text, .notNull)
            .column("estimate", type: .bigint, .notNull)
            .primaryKey("link_id", "day")
            .run()
        try await database.create(index: "funnel_visitors_by_organization").on("funnel_visitors")
            .column("organization_id").column("day").run()
        try await database.create(table: "funnel_months")
            .column("link_id", type: .bigint, .notNull)
            .column("organization_id", type: .bigint, .notNull)
            .column("month", type: .text, .notNull)
            .column("event", type: .text, .notNull)
            .column("count", type: .bigint, .notNull)
            .primaryKey("link_id", "month", "event")
            .run()
    }
}
