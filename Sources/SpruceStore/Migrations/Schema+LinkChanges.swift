import SQLKit

extension Schema {
    /// The link change feed: every update or delete of a link or an organization appends a row, numbered in
    /// commit order, so that in-memory copies of links (``LinkDirectory``) on every instance know what to forget.
    ///
    /// Database triggers write it, so no code path (nor an operator's manual `UPDATE`) can change a link
    /// without the feed seeing it. The generation comes from one counter row: the trigger's increment holds that
    /// row's lock until commit, so generations are handed out in commit order and a reader that sees generation
    /// `n` has already been able to see every smaller one.
    @Sendable static func version5(_ database: any SQLDatabase, _ engine: any DatabaseEngine) async throws {
        try await database.create(table: "link_changes")
            .column("generation", type: .bigint, .primaryKey(autoIncrement: false))
            .column("code", type: .text)
            .column("organization_id", type: .bigint)
            .column("changed_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "link_changes_by_time").on("link_changes").column("changed_at").run()
        try await database.insert(into: "counters").columns("name", "value")
            .values(SQLBind(LinkChangeFeed.counter), SQLBind(0)).run()
        for statement in engine.linkChangeTriggers {
            try await database.execute(sql: SQLRaw(statement)) { _ in }
        }
    }
}

/// Names shared by the feed's schema, its triggers and its readers.
enum LinkChangeFeed {
    /// The row of `counters` that numbers the feed.
    static let counter = "link_changes"
}
