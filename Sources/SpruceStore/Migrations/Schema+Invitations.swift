import SQLKit

extension Schema {
    /// Invitation delivery (issue 6): who invited, on which channels, when each channel was delivered, whether a
    /// reminder went out, and the opt-out list. Portable DDL; one column per `ALTER TABLE` for SQLite.
    @Sendable static func version3(_ database: any SQLDatabase) async throws {
        for (column, type) in [
            ("invited_by", "TEXT"), ("channels", "TEXT"), ("email_delivered_at", "BIGINT"),
            ("text_delivered_at", "BIGINT"), ("reminded_at", "BIGINT"),
        ] {
            try await database.execute(sql: SQLRaw("ALTER TABLE invitations ADD COLUMN \(column) \(type)")) { _ in }
        }
        try await database.create(index: "invitations_by_email").on("invitations")
            .column("organization_id").column("recipient_email").run()
        try await database.create(index: "invitations_by_phone").on("invitations")
            .column("organization_id").column("recipient_phone").run()
        try await database.create(table: "invitation_opt_outs")
            .column("address", type: .text, .primaryKey(autoIncrement: false))
            .column("created_at", type: .bigint, .notNull)
            .run()
    }
}
