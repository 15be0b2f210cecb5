import SQLKit

extension Schema {
    /// Browser sessions and integrators' API keys. Both store only the SHA-256 digest of their secret.
    @Sendable static func version4(_ database: any SQLDatabase) async throws {
        try await database.create(table: "sessions")
            .column("id_digest", type: .text, .primaryKey(autoIncrement: false))
            .column("member_id", type: .bigint, .references("members", "id"))
            .column("patient_id", type: .bigint, .references("patients", "id"))
            .column("csrf_secret", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .check(SQLRaw("(member_id IS NULL) <> (patient_id IS NULL)"), named: "sessions_one_identity")
            .run()
        try await database.create(index: "sessions_by_expiry").on("sessions").column("expires_at").run()

        try await database.create(table: "api_keys")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("organization_id", type: .bigint, .notNull, .references("organizations", "id"))
            .column("key_digest", type: .text, .notNull, .unique)
            .column("key_prefix", type: .text, .notNull)
            .column("label", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()
        try await database.create(index: "api_keys_by_organization").on("api_keys").column("organization_id").run()
    }
}
