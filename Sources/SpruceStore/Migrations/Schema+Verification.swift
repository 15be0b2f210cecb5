import SQLKit

extension Schema {
    /// Verified addresses, one-time codes and idle sessions.
    ///
    /// A patient is verified (`verified_at`) once a code sent to their address was entered (or an invitation sent
    /// to it was used); accounts made before this version keep working and are marked verified at their creation.
    /// `account_codes` holds each pending signup or password reset: the digest of the random ticket the browser
    /// holds, the keyed digest of the code, the tries made and the expiry. `sessions.last_seen_at` lets a session
    /// end after a while unused, besides its absolute lifetime.
    @Sendable static func version8(_ database: any SQLDatabase) async throws {
        try await database.alter(table: "patients").column("verified_at", type: .bigint).run()
        try await database.update("patients").set("verified_at", to: SQLColumn("created_at")).run()
        try await database.alter(table: "sessions").column("last_seen_at", type: .bigint).run()
        try await database.create(table: "account_codes")
            .column("ticket_digest", type: .text, .primaryKey(autoIncrement: false))
            .column("purpose", type: .text, .notNull, .check(SQLRaw("purpose IN ('signup', 'reset')")))
            .column("patient_id", type: .bigint, .references("patients", "id"))
            .column("member_id", type: .bigint, .references("members", "id"))
            .column("address", type: .text, .notNull)
            .column("code_digest", type: .text, .notNull)
            .column("tries", type: .bigint, .notNull)
            .column("continuation", type: .text)
            .column("created_at", type: .bigint, .notNull)
            .column("expires_at", type: .bigint, .notNull)
            .run()
        try await database.create(index: "account_codes_by_patient").on("account_codes").column("patient_id").run()
        try await database.create(index: "account_codes_by_expiry").on("account_codes").column("expires_at").run()
    }
}
