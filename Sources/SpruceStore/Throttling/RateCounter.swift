import Foundation
import SQLKit
import SpruceCore

/// Fixed-window counters kept in the database, so every service instance sees the same counts.
///
/// Taking a count is one `INSERT … ON CONFLICT DO UPDATE … WHERE … RETURNING` statement: the row is created,
/// restarted (its window over), or incremented only while the policy allows, and the statement returns a row only
/// when it counted. Concurrent takes on SQLite and PostgreSQL therefore pass exactly `limit` times per window,
/// never more (a read-then-insert would let a burst overshoot).
enum RateCounter {
    /// Counts one against `key`, or throws ``TooManyAttempts`` without counting.
    /// - Returns: the count in the window after this one (`nil` for an unlimited policy, which counts nothing).
    @discardableResult
    static func take(
        _ key: String,
        policy: RatePolicy,
        scope: String,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Int? {
        guard !policy.isUnlimited else { return nil }
        let nowMS = now.storedMilliseconds
        let expired = nowMS - Int64(policy.window * 1000)
        let limit = Int64(policy.limit)
        let restarts: SQLQueryString = "rate_counters.window_start <= \(bind: expired)"
        var query: SQLQueryString = """
            INSERT INTO rate_counters (scope_key, window_start, count, next_at, updated_at)
            VALUES (\(bind: key), \(bind: nowMS), 1, 0, \(bind: nowMS))
            ON CONFLICT (scope_key) DO UPDATE SET
              count = CASE WHEN \(restarts) THEN 1 ELSE rate_counters.count + 1 END,
              window_start = CASE WHEN \(restarts) THEN \(bind: nowMS) ELSE rate_counters.window_start END,
              updated_at = \(bind: nowMS)
            """
        var allowed: SQLQueryString = "\(restarts) OR rate_counters.count < \(literal: limit)"
        if let delay = policy.growingDelay {
            // The n-th count past the limit makes the next one wait step × n² milliseconds, at most `maximum`.
            let step = Int64(delay.step * 1000)
            let maximum = Int64(delay.maximum * 1000)
            let excess: SQLQueryString = "(rate_counters.count + 1 - \(literal: limit))"
            let wait: SQLQueryString = "\(excess) * \(excess) * \(literal: step)"
            query += """
                ,
                  next_at = CASE WHEN \(restarts) OR \(excess) <= 0 THEN 0
                                 WHEN \(wait) >= \(literal: maximum) THEN \(literal: nowMS + maximum)
                                 ELSE \(literal: nowMS) + \(wait) END
                """
            allowed += " OR rate_counters.next_at <= \(literal: nowMS)"
        }
        query += "\nWHERE \(allowed)\nRETURNING count"
        if let row = try await database.raw(query).first() {
            return Int(try row.decode(column: "count", as: Int64.self))
        }
        throw try await refusal(key, policy: policy, scope: scope, at: now, in: database)
    }

    /// Gives back one count taken for an attempt that turned out not to count (a login that succeeded).
    static func giveBack(_ key: String, in database: any SQLDatabase) async throws {
        try await database.raw(
            "UPDATE rate_counters SET count = count - 1 WHERE scope_key = \(bind: key) AND count > 0"
        ).run()
    }

    /// Forgets a key's count (the owner proved who they are from that client).
    static func reset(_ key: String, in database: any SQLDatabase) async throws {
        try await database.delete(from: "rate_counters").where("scope_key", .equal, SQLBind(key)).run()
    }

    /// The error for a refused take, with how long until the next one can pass.
    private static func refusal(
        _ key: String, policy: RatePolicy, scope: String, at now: Date, in database: any SQLDatabase
    ) async throws -> TooManyAttempts {
        let row = try await database.select().columns("window_start", "next_at").from("rate_counters")
            .where("scope_key", .equal, SQLBind(key)).first()
        let nowMS = now.storedMilliseconds
        var until = nowMS + Int64(policy.window * 1000)
        if let row {
            until = try row.decode(column: "window_start", as: Int64.self) + Int64(policy.window * 1000)
            if policy.growingDelay != nil {
                until = min(until, max(nowMS, try row.decode(column: "next_at", as: Int64.self)))
            }
        }
        return TooManyAttempts(scope: scope, policy: policy, retryAfter: TimeInterval(max(0, until - nowMS)) / 1000)
    }
}

extension SpruceStore {
    /// Deletes rate counters untouched for `age` (longer than any policy's window and delay), at most `limit`
    /// rows per call, so the table stays small under keys made of random names without one long delete.
    /// - Returns: how many rows were deleted.
    @discardableResult
    public func pruneRateCounters(olderThan age: TimeInterval, limit: Int = 1_000, at now: Date = Date()) async throws
        -> Int
    {
        let cutoff = now.addingTimeInterval(-age).storedMilliseconds
        return try await transaction { database in
            try await database.raw(
                """
                DELETE FROM rate_counters WHERE scope_key IN (
                  SELECT scope_key FROM rate_counters WHERE updated_at < \(bind: cutoff)
                  LIMIT \(literal: max(1, limit)))
                RETURNING scope_key
                """
            ).all().count
        }
    }
}
