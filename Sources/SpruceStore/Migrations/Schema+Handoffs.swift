import SQLKit

extension Schema {
    /// Handoffs to the app (a link's connection carried across the app's install), the connect code of each
    /// invitation, and patients' app sessions. Every secret is stored as a digest only.
    @Sendable static func version11(_ database: any SQLDatabase) async throws {
        try await database.create(table: "handoffs")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("token_digest", type: .text, .notNull, .unique)
            .column("code_digest", type: .text, .notNull, .unique)
            .column("link_id", type: .bigint, .notNull, .references("links", "id"))
            .column("invitation_id", type: .bigint, .references("invitations", "id"))
            .column("tags", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .column("claimed_at", type: .bigint)
            .run()
        try await database.create(index: "handoffs_by_expiry").on("handoffs").column("expires_at").run()

        try await database.alter(table: "invitations").column("connect_code_digest", type: .text).run()
        try await database.alter(table: "invitations").column("code_claimed_at", type: .bigint).run()
        try await database.create(index: "invitations_by_connect_code").on("invitations")
            .column("connect_code_digest").run()

        try await database.create(table: "app_sessions")
            .column("id", type: .bigint, .primaryKey(autoIncrement: true))
            .column("token_digest", type: .text, .notNull, .unique)
            .column("patient_id", type: .bigint, .notNull, .references("patients", "id"))
            .column("label", type: .text, .notNull)
            .column("created_at", type: .bigint, .notNull)
            .column("last_used_at", type: .bigint, .notNull)
            .column("revoked_at", type: .bigint)
            .run()
        try await database.create(index: "app_sessions_by_patient").on("app_sessions").column("patient_id").run()
    }
}
