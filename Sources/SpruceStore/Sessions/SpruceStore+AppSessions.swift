import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Starts an app session for a patient (after the app's signup or login). The token is returned once; only
    /// its digest is stored.
    /// - Throws: ``StoreError/invalidInput(field:rule:)`` for a label over 200 characters or with control
    ///   characters, or a patient that does not exist.
    public func createAppSession(for patientID: PatientID, label: String, at now: Date = Date()) async throws
        -> (secret: String, session: AppSession)
    {
        guard label.count <= Self.labelLimit else {
            throw StoreError.invalidInput(field: "device", rule: "longer than \(Self.labelLimit) characters")
        }
        if let rule = FreeText.violation(in: label) { throw StoreError.invalidInput(field: "device", rule: rule) }
        let secret = AppSession.generateSecret()
        let nowMS = now.storedMilliseconds
        let id = try await transaction { database in
            guard try await Self.patient(id: patientID, in: database) != nil else {
                throw StoreError.invalidInput(field: "patient", rule: "does not exist")
            }
            let row = try await database.insert(into: "app_sessions")
                .columns("token_digest", "patient_id", "label", "created_at", "last_used_at")
                .values(
                    SQLBind(TokenDigest(hashing: secret).hex), SQLBind(patientID.rawValue), SQLBind(label),
                    SQLBind(nowMS), SQLBind(nowMS)
                ).returning("id").first()
            guard let row else { throw StoreError.corruptRow(table: "app_sessions", reason: "insert returned no id") }
            return try row.decode(column: "id", as: Int64.self)
        }
        let date = Date(storedMilliseconds: nowMS)
        return (secret, AppSession(id: id, patientID: patientID, label: label, createdAt: date, lastUsedAt: date))
    }

    /// The live app session of `secret`, or nil (unknown, revoked, or not an app token at all). Records the use
    /// when the last one is more than five minutes old.
    public func appSession(secret: String, at now: Date = Date()) async throws -> AppSession? {
        guard secret.hasPrefix(AppSession.prefix), secret.utf8.count <= 128 else { return nil }
        let digest = TokenDigest(hashing: secret).hex
        guard
            let session = try await read({ database in
                try await database.select().columns(Self.appSessionColumns).from("app_sessions")
                    .where("token_digest", .equal, SQLBind(digest)).where("revoked_at", .is, SQLLiteral.null)
                    .first().map(Self.decodeAppSession)
            })
        else { return nil }
        if now.timeIntervalSince(session.lastUsedAt) > 5 * 60 {
            try await transaction { database in
                try await database.update("app_sessions").set("last_used_at", to: SQLBind(now.storedMilliseconds))
                    .where("id", .equal, SQLBind(session.id)).run()
            }
        }
        return session
    }

    /// A patient's live app sessions, newest first.
    public func appSessions(of patientID: PatientID) async throws -> [AppSession] {
        try await read { database in
            try await database.select().columns(Self.appSessionColumns).from("app_sessions")
                .where("patient_id", .equal, SQLBind(patientID.rawValue)).where("revoked_at", .is, SQLLiteral.null)
                .orderBy("id", .descending).all().map(Self.decodeAppSession)
        }
    }

    /// Revokes one of the patient's app sessions (logout, or "sign out that phone"); its token stops working at
    /// once. Another patient's session answers like one that does not exist.
    /// - Throws: ``StoreError/invalidInput(field:rule:)`` when the patient has no live session with that id.
    public func revokeAppSession(id: Int64, of patientID: PatientID, at now: Date = Date()) async throws {
        try await transaction { database in
            let rows = try await database.update("app_sessions")
                .set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id)).where("patient_id", .equal, SQLBind(patientID.rawValue))
                .where("revoked_at", .is, SQLLiteral.null).returning("id").all()
            guard !rows.isEmpty else { throw StoreError.invalidInput(field: "id", rule: "is not one of your sessions") }
        }
    }

    /// Counts one app API request from `client` against ``Throttles/appRequestsPerClient``.
    /// - Throws: ``TooManyAttempts``.
    public func countAppRequest(client: String, at now: Date = Date()) async throws {
        let policy = settings.throttles.appRequestsPerClient
        guard !policy.isUnlimited else { return }
        _ = try await transaction { database in
            try await RateCounter.take(
                "app:client:\(client)", policy: policy, scope: "app requests from this address", at: now,
                in: database)
        }
    }

    static let appSessionColumns = ["id", "patient_id", "label", "created_at", "last_used_at"]

    @Sendable static func decodeAppSession(_ row: any SQLRow) throws -> AppSession {
        AppSession(
            id: try row.decode(column: "id", as: Int64.self),
            patientID: PatientID(rawValue: try row.decode(column: "patient_id", as: Int64.self)),
            label: try row.decode(column: "label", as: String.self),
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            lastUsedAt: Date(storedMilliseconds: try row.decode(column: "last_used_at", as: Int64.self)))
    }
}
