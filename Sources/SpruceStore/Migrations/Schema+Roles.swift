import SQLKit

extension Schema {
    /// Roles of members and API keys, removed members, when a key was last used, and the team's invitations to
    /// set a password. Existing members and keys keep every right they had: they become admins.
    @Sendable static func version9(_ database: any SQLDatabase) async throws {
        try await database.alter(table: "members")
            .column("role", type: .text, .notNull, .default(SQLLiteral.string("admin"))).run()
        try await database.alter(table: "members").column("removed_at", type: .bigint).run()
        try await database.alter(table: "api_keys")
            .column("role", type: .text, .notNull, .default(SQLLiteral.string("admin"))).run()
        try await database.alter(table: "api_keys").column("last_used_at", type: .bigint).run()

        try await database.create(table: "member_invitations")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("organization_id", type: .bigint, .notNull, .references("organizations", "id"))
            .column("token_digest", type: .text, .notNull, .unique)
            .column("name", type: .text, .notNull)
            .column("email", type: .text, .notNull)
            .column("role", type: .text, .notNull)
            .column("invited_by", type: .bigint, .references("members", "id"))
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("used_at", type: .bigint)
            .column("revoked_at", type: .bigint)
            .run()
        try await database.create(index: "member_invitations_by_organization").on("member_invitations")
            .column("organization_id").run()
    }
}
