import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Rows per multi-row statement: a flush with more rows than this takes several statements.
    static let funnelRowsPerStatement = 1_000

    /// Adds a tally's counts and merges its visitor sketches, in one transaction: one multi-row upsert that adds to
    /// each (link, day, event) row, so any number of instances add up; and, for the days that had visitors, the
    /// stored sketch merged with the new one (register maxima) and its estimate. Codes that name no link are
    /// dropped. Nothing but counts and sketch registers is written.
    public func recordFunnel(_ tally: FunnelTally) async throws {
        guard !tally.isEmpty else { return }
        let lock = engine.funnelLock
        let codes = Array(Set(tally.counts.keys.map(\.code) + tally.visitors.keys.map(\.code)))
        try await transaction { database in
            if let lock { try await database.execute(sql: SQLRaw(lock)) { _ in } }
            var links: [LinkCode: (id: Int64, organization: Int64)] = [:]
            for chunk in codes.chunked(Self.funnelRowsPerStatement) {
                let rows = try await database.select().columns("id", "code", "organization_id").from("links")
                    .where("code", .in, SQLBind.group(chunk.map(\.rawValue))).all()
                for row in rows {
                    links[try LinkCode(try row.decode(column: "code", as: String.self))] = (
                        try row.decode(column: "id", as: Int64.self),
                        try row.decode(column: "organization_id", as: Int64.self)
                    )
                }
            }
            let counts = tally.counts.compactMap { key, count in links[key.code].map { (key, $0, count) } }
                .sorted { ($0.1.id, $0.0.day, $0.0.event) < ($1.1.id, $1.0.day, $1.0.event) }
            for chunk in counts.chunked(Self.funnelRowsPerStatement) {
                var query: SQLQueryString =
                    "INSERT INTO funnel_days (link_id, organization_id, day, event, count) VALUES "
                for (index, (key, link, count)) in chunk.enumerated() {
                    if index > 0 { query += ", " }
                    query += """
                        (\(bind: link.id), \(bind: link.organization), \(bind: key.day.description), \
                        \(bind: key.event.rawValue), \(bind: Int64(count)))
                        """
                }
                query += " ON CONFLICT (link_id, day, event) DO UPDATE SET count = funnel_days.count + excluded.count"
                try await database.raw(query).run()
            }
            try await Self.mergeVisitors(tally.visitors, links: links, in: database)
        }
    }

    private static func mergeVisitors(
        _ visitors: [FunnelTally.DayKey: HyperLogLog],
        links: [LinkCode: (id: Int64, organization: Int64)],
        in database: any SQLDatabase
    ) async throws {
        let keyed = visitors.compactMap { key, sketch in links[key.code].map { (key, $0, sketch) } }
            .sorted { ($0.1.id, $0.0.day) < ($1.1.id, $1.0.day) }
        for chunk in keyed.chunked(Self.funnelRowsPerStatement) {
            var stored: [String: HyperLogLog] = [:]
            let rows = try await database.select().columns("link_id", "day", "sketch").from("funnel_visitors")
                .where("link_id", .in, SQLBind.group(Array(Set(chunk.map(\.1.id)))))
                .where("day", .in, SQLBind.group(Array(Set(chunk.map(\.0.day.description))))).all()
            for row in rows {
                let key =
                    "\(try row.decode(column: "link_id", as: Int64.self))|"
                    + (try row.decode(column: "day", as: String.self))
                stored[key] = try decodeSketch(try row.decode(column: "sketch", as: String.self))
            }
            var query: SQLQueryString =
                "INSERT INTO funnel_visitors (link_id, organization_id, day, sketch, estimate) VALUES "
            for (index, (key, link, sketch)) in chunk.enumerated() {
                var merged = stored["\(link.id)|\(key.day.description)"] ?? HyperLogLog()
                merged.merge(sketch)
                if index > 0 { query += ", " }
                query += """
                    (\(bind: link.id), \(bind: link.organization), \(bind: key.day.description), \
                    \(bind: Data(merged.bytes).base64EncodedString()), \(bind: Int64(merged.estimate)))
                    """
            }
            query += """
                 ON CONFLICT (link_id, day) DO UPDATE SET sketch = excluded.sketch, estimate = excluded.estimate
                """
            try await database.raw(query).run()
        }
    }

    private static func decodeSketch(_ text: String) throws -> HyperLogLog {
        guard let data = Data(base64Encoded: text) else {
            throw StoreError.corruptRow(table: "funnel_visitors", reason: "sketch is not base64")
        }
        do {
            return try HyperLogLog(bytes: data)
        } catch {
            throw StoreError.corruptRow(table: "funnel_visitors", reason: error.description)
        }
    }

    // MARK: - Time zones

    /// Sets the time zone an organization's funnel days are counted in (from the next event on; past rows keep
    /// their days).
    /// - Throws: ``StoreError/organizationNotFound(id:)`` when it does not exist or is out of `scope`.
    public func setFunnelTimeZone(
        _ zone: FunnelTimeZone, organization: OrganizationID, in scope: OrganizationScope
    ) async throws {
        guard scope.contains(organization) else { throw StoreError.organizationNotFound(id: organization.rawValue) }
        try await transaction { database in
            let updated = try await database.raw(
                """
                UPDATE organizations SET time_zone = \(bind: zone.identifier) WHERE id = \(bind: organization.rawValue)
                RETURNING id
                """
            ).all()
            guard !updated.isEmpty else { throw StoreError.organizationNotFound(id: organization.rawValue) }
        }
    }

    /// The time zone of every organization that chose one other than UTC.
    public func funnelTimeZones() async throws -> [OrganizationID: FunnelTimeZone] {
        try await read { database in
            var zones: [OrganizationID: FunnelTimeZone] = [:]
            for row in try await database.select().columns("id", "time_zone").from("organizations")
                .where("time_zone", .isNot, SQLLiteral.null).all()
            {
                let identifier = try row.decode(column: "time_zone", as: String.self)
                guard let zone = try? FunnelTimeZone(identifier), zone != .utc else { continue }
                zones[OrganizationID(rawValue: try row.decode(column: "id", as: Int64.self))] = zone
            }
            return zones
        }
    }

    /// An organization's funnel time zone (UTC unless it chose one).
    public func funnelTimeZone(of organization: OrganizationID) async throws -> FunnelTimeZone {
        try await read { database in try await Self.funnelTimeZone(of: organization.rawValue, in: database) }
    }

    static func funnelTimeZone(of organization: Int64, in database: any SQLDatabase) async throws -> FunnelTimeZone {
        let row = try await database.select().column("time_zone").from("organizations")
            .where("id", .equal, SQLBind(organization)).first()
        guard let identifier = try row?.decode(column: "time_zone", as: String?.self) else { return .utc }
        return (try? FunnelTimeZone(identifier)) ?? .utc
    }
}

extension Array {
    func chunked(_ size: Int) -> [ArraySlice<Element>] {
        stride(from: 0, to: count, by: size).map { self[$0..<Swift.min($0 + size, count)] }
    }
}
