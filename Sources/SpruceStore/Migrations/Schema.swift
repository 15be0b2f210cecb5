import SQLKit

/// The schema, one function per version. Portable DDL only: both SQLite and PostgreSQL run it unchanged.
enum Schema {
    static let boolean = SQLDataType.custom(SQLRaw("BOOLEAN"))

    @Sendable static func version1(_ database: any SQLDatabase) async throws {
        try await database.create(table: "organizations")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("display_name", type: .text, .notNull)
            .column("kind", type: .text, .notNull, .check(SQLRaw("kind IN ('practice', 'clinic')")))
            .column("specialty", type: .text)
            .column("summary", type: .text)
            .column("address", type: .text)
            .column("phone", type: .text)
            .column("website", type: .text)
            .column("hours", type: .text)
            .column("accepts_new_patients", type: boolean, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()

        try await database.create(table: "links")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("code", type: .text, .notNull, .unique)
            .column("organization_id", type: .bigint, .notNull, .references("organizations", "id"))
            .column("label", type: .text, .notNull)
            .column("status", type: .text, .notNull, .check(SQLRaw("status IN ('active', 'disabled')")))
            .column("is_primary", type: boolean, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "links_by_organization").on("links").column("organization_id").run()
        // At most one primary link per organization, enforced by the database.
        try await database.execute(
            sql: SQLRaw("CREATE UNIQUE INDEX links_one_primary ON links (organization_id) WHERE is_primary")
        ) { _ in }

        try await database.create(table: "link_tags")
            .column("link_id", type: .bigint, .notNull, .references("links", "id"))
            .column("tag", type: .text, .notNull)
            .primaryKey("link_id", "tag")
            .run()

        try await database.create(table: "invitations")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("token_digest", type: .text, .notNull, .unique)
            .column("link_id", type: .bigint, .notNull, .references("links", "id"))
            .column("organization_id", type: .bigint, .notNull, .references("organizations", "id"))
            .column("recipient_name", type: .text)
            .column("recipient_email", type: .text)
            .column("recipient_phone", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("used_at", type: .bigint)
            .column("revoked_at", type: .bigint)
            .check(SQLRaw("recipient_email IS NOT NULL OR recipient_phone IS NOT NULL"), named: "invitations_recipient")
            .run()
        try await database.create(index: "invitations_by_organization").on("invitations").column("organization_id")
            .run()
    }
}
