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
    ///
    /// The statements carry their values as literals (``FunnelLiteral``), not bound parameters: under load a flush
    /// writes a row for nearly every link that was viewed in the last second, and building, boxing and binding five
    /// parameters a row cost the server more than its requests' own counting did (`Benchmarks/run-http.sh`).
    /// - Parameter known: links earlier flushes found (``FunnelLinks``); only the other codes are looked up.
    /// - Returns: the links this write looked up and found, for the caller to add to `known`.
    @discardableResult
    public func recordFunnel(
        _ tally: FunnelTally, known: FunnelLinks = FunnelLinks()
    ) async throws -> [LinkCode: FunnelLink] {
        try await recordFunnel([tally], known: known)
    }

    /// Writes several tallies as ``recordFunnel(_:known:)`` writes one, as if they were merged first: rows of the
    /// same link, day and event are added up before the write. The flusher hands its shards' tallies as they are,
    /// so that it never merges them into one table.
    @discardableResult
    public func recordFunnel(
        _ tallies: [FunnelTally], known: FunnelLinks = FunnelLinks()
    ) async throws -> [LinkCode: FunnelLink] {
        let tallies = tallies.filter { !$0.isEmpty }
        guard !tallies.isEmpty else { return [:] }
        let lock = engine.funnelLock
        let knownRows = FunnelRows(of: tallies, in: known)
        let unknown = knownRows.unknown.filter(FunnelLiteral.isSafe)
        let engine = engine
        return try await transaction { database in
            if let lock { try await database.execute(sql: SQLRaw(lock)) { _ in } }
            let found = try await Self.funnelLinks(unknown, engine: engine, in: database)
            var rows = knownRows
            rows.add(of: tallies, found: FunnelLinks(all: found), known: known)
            rows.sortAndCombine()
            var days = FunnelLiteral.Days()
            for chunk in rows.counts.chunked(Self.funnelRowsPerStatement) {
                var sql = FunnelStatement(
                    "INSERT INTO funnel_days (link_id, organization_id, day, event, count) VALUES ",
                    rows: chunk.count)
                for row in chunk {
                    sql.appendRow(
                        row.link, day: days.literal(row.day), FunnelLiteral.events[row.event.order], Int64(row.count))
                }
                sql.append(
                    " ON CONFLICT (link_id, day, event) DO UPDATE SET count = funnel_days.count + excluded.count")
                try await database.raw("\(unsafeRaw: sql.text)").run()
            }
            try await Self.mergeVisitors(rows.visitors, in: database)
            return found
        }
    }

    /// The links of `codes`, by code. Each chunk's links come back as one joined text of `code:id:organization`
    /// items that ``parseFunnelLinks(_:into:)`` reads, rather than as rows of three columns to decode.
    private static func funnelLinks(
        _ codes: [LinkCode], engine: any DatabaseEngine, in database: any SQLDatabase
    ) async throws -> [LinkCode: FunnelLink] {
        var links: [LinkCode: FunnelLink] = [:]
        guard !codes.isEmpty else { return links }
        links.reserveCapacity(codes.count)
        let item = engine.joined("code || ':' || id || ':' || organization_id")
        for chunk in codes.chunked(Self.funnelRowsPerStatement) {
            let list = chunk.map { FunnelLiteral.text($0.rawValue) }.joined(separator: ", ")
            let query = "SELECT \(item) AS links FROM links WHERE code IN (\(list))"
            guard let row = try await database.raw("\(unsafeRaw: query)").first(),
                let text = try row.decode(column: "links", as: String?.self)
            else { continue }
            try parseFunnelLinks(text, into: &links)
        }
        return links
    }

    /// Reads `code:id:organization` items separated by commas.
    /// - Throws: ``StoreError/corruptRow(table:reason:)`` when an item is not of that form.
    static func parseFunnelLinks(_ text: String, into links: inout [LinkCode: FunnelLink]) throws(StoreError) {
        for item in text.split(separator: ",") {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 3, let code = try? LinkCode(String(parts[0])), let id = Int64(parts[1]),
                let organization = Int64(parts[2])
            else { throw StoreError.corruptRow(table: "links", reason: "joined link '\(item)' is not code:id:org") }
            links[code] = FunnelLink(id: id, organization: organization)
        }
    }

    private static func mergeVisitors(_ visitors: [FunnelVisitorRow], in database: any SQLDatabase) async throws {
        var literals = FunnelLiteral.Days()
        for chunk in visitors.chunked(Self.funnelRowsPerStatement) {
            var stored: [SketchKey: HyperLogLog] = [:]
            let ids = Set(chunk.map(\.link.id)).map(String.init).joined(separator: ", ")
            let days = Set(chunk.map(\.day)).map { literals.literal($0) }.joined(separator: ", ")
            let query =
                "SELECT link_id, day, sketch FROM funnel_visitors WHERE link_id IN (\(ids)) AND day IN (\(days))"
            let rows = try await database.raw("\(unsafeRaw: query)").all()
            for row in rows {
                let dayText = try row.decode(column: "day", as: String.self)
                guard let day = try? LocalDay(parsing: dayText) else {
                    throw StoreError.corruptRow(table: "funnel_visitors", reason: "day '\(dayText)' is not YYYY-MM-DD")
                }
                let key = SketchKey(link: try row.decode(column: "link_id", as: Int64.self), day: day.ordinal)
                stored[key] = try decodeSketch(try row.decode(column: "sketch", as: String.self))
            }
            var sql = FunnelStatement(
                "INSERT INTO funnel_visitors (link_id, organization_id, day, sketch, estimate) VALUES ",
                rows: chunk.count)
            for row in chunk {
                let before = stored[SketchKey(link: row.link.id, day: row.day.ordinal)]
                var merged = before ?? HyperLogLog()
                merged.merge(row.sketch)
                // A visitor seen before that day adds nothing: the row stays as it is.
                guard merged != before else { continue }
                sql.appendRow(
                    row.link, day: literals.literal(row.day),
                    FunnelLiteral.text(Data(merged.bytes).base64EncodedString()), Int64(merged.estimate))
            }
            guard sql.rows > 0 else { continue }
            sql.append(
                " ON CONFLICT (link_id, day) DO UPDATE SET sketch = excluded.sketch, estimate = excluded.estimate")
            try await database.raw("\(unsafeRaw: sql.text)").run()
        }
    }

    /// A stored sketch's link id and day (``LocalDay/ordinal``).
    private struct SketchKey: Hashable {
        let link: Int64
        let day: Int
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

/// SQL literals for the funnel's flush statements. Only values whose type rules out anything but
/// `[A-Za-z0-9+/=_-]` are written this way: integers, `YYYY-MM-DD` days, events' raw values, link codes and base64
/// sketches; ``text(_:)`` refuses anything else rather than quote it.
enum FunnelLiteral {
    static func isSafe(_ code: LinkCode) -> Bool { isSafe(code.rawValue) }

    static func isSafe(_ text: String) -> Bool {
        text.utf8.allSatisfy { byte in
            (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
                || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
                || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
                || [UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="), UInt8(ascii: "_"), UInt8(ascii: "-")]
                    .contains(byte)
        }
    }

    /// `'text'`; text outside the safe alphabet becomes `NULL`, which every funnel column refuses.
    static func text(_ text: String) -> String { isSafe(text) ? "'" + text + "'" : "NULL" }

    /// Each event's literal, by ``FunnelEvent/order``.
    static let events = FunnelEvent.allCases.map { text($0.rawValue) }

    /// Day literals, each written once per flush: a flush's rows fall on a day or two, and writing the day for
    /// every row was a twentieth of a flush's CPU.
    struct Days {
        private var literals: [Int: String] = [:]
        private var last: (ordinal: Int, literal: String)?

        mutating func literal(_ day: LocalDay) -> String {
            if let last, last.ordinal == day.ordinal { return last.literal }
            let literal = literals[day.ordinal] ?? FunnelLiteral.text(day.description)
            literals[day.ordinal] = literal
            last = (day.ordinal, literal)
            return literal
        }
    }
}

/// A flush statement's text, written as bytes: interpolating every row's integers into a `String` took a tenth of
/// a flush's CPU (`StoreBenchmark --funnel-only`).
struct FunnelStatement {
    private var bytes: [UInt8] = []
    /// How many rows of values ``appendRow(_:day:_:_:)`` added.
    private(set) var rows = 0

    /// A statement starting with `head`, with room for `rows` rows of values.
    init(_ head: String, rows: Int) {
        bytes.reserveCapacity(head.utf8.count + rows * 64 + 128)
        append(head)
    }

    mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

    /// Appends a row of values, after a comma unless it is the first: the link's id and organization, the day's
    /// literal, a text literal and a number, the shape of both funnel tables' rows.
    mutating func appendRow(_ link: FunnelLink, day: String, _ text: String, _ number: Int64) {
        append(rows == 0 ? "(" : ", (")
        rows += 1
        append(link.id)
        append(", ")
        append(link.organization)
        append(", ")
        append(day)
        append(", ")
        append(text)
        append(", ")
        append(number)
        append(")")
    }

    /// Appends `value` in decimal.
    mutating func append(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = InlineArray<20, UInt8>(repeating: 0)
        var start = digits.count
        repeat {
            start -= 1
            digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        for index in start..<digits.count { bytes.append(digits[index]) }
    }

    var text: String { String(decoding: bytes, as: UTF8.self) }
}
