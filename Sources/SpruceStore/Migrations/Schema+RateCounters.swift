import SQLKit

extension Schema {
    /// Rate counters: one row per key, counted by one upsert (atomic on both engines), instead of one row per
    /// event read back and counted. The sweep prunes rows not touched for longer than any window.
    @Sendable static func version7(_ database: any SQLDatabase) async throws {
        try await database.drop(table: "rate_events").ifExists().run()
        try await database.create(table: "rate_counters")
            .column("scope_key", type: .text, .primaryKey(autoIncrement: false))
            .column("window_start", type: .bigint, .notNull)
            .column("count", type: .bigint, .notNull)
            .column("next_at", type: .bigint, .notNull)
            .column("updated_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "rate_counters_by_update").on("rate_counters").column("updated_at").run()
    }
}
