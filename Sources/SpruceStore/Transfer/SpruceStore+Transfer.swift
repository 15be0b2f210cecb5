import Foundation
import SQLKit

/// One value of a dumped row, typed the way JSON carries it.
enum DumpValue: Codable, Sendable, Equatable {
    case integer(Int64)
    case boolean(Bool)
    case text(String)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .boolean(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else {
            self = .text(try container.decode(String.self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .integer(let value): try container.encode(value)
        case .boolean(let value): try container.encode(value)
        case .text(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }
}

/// One line of a dump: the header, a row, or the closing counts.
struct DumpLine: Codable, Sendable {
    var format: String?
    var schema: Int?
    var table: String?
    var row: [String: DumpValue]?
    var counts: [String: Int]?
    var activity: Int64?

    static let formatName = "sprucelink-dump-1"
}

/// What an export or import moved, table by table.
public struct TransferReport: Equatable, Sendable {
    /// Rows per table: written to the dump, or inserted by the import.
    public var rows: [String: Int] = [:]
    /// Rows an import with `merge` skipped because their key was already there.
    public var skipped: [String: Int] = [:]
}

/// Why an import was refused. Nothing is written when it is.
public enum TransferError: Error, Equatable, Sendable, CustomStringConvertible {
    case notEmpty(table: String)
    case malformed(line: Int, reason: String)
    case newerSchema(dump: Int, known: Int)
    case countMismatch(table: String, expected: Int, found: Int)
    case unknownTable(String)

    public var description: String {
        switch self {
        case .notEmpty(let table):
            "the target database is not empty (\(table) has rows); an import can only merge into it"
        case .malformed(let line, let reason): "line \(line) of the dump: \(reason)"
        case .newerSchema(let dump, let known):
            "the dump is of schema version \(dump), newer than this build knows (\(known))"
        case .countMismatch(let table, let expected, let found):
            "count check failed for \(table): the dump has \(expected) rows, the database \(found)"
        case .unknownTable(let table):
            "table \(table) is not in the export catalog, so it would be lost; update TableCatalog"
        }
    }
}

extension SpruceStore {
    /// Writes every table, one JSON line per row, from one consistent snapshot; `write` receives each line.
    /// - Throws: ``TransferError/unknownTable(_:)`` when the schema holds a table the catalog does not know.
    public func export(_ write: @escaping @Sendable (String) throws -> Void) async throws -> TransferReport {
        let listTables = engine.listTables
        let schema = Self.migrations.last?.version ?? 0
        return try await snapshot { database in
            let present = try await database.execute(raw: listTables).map {
                try $0.decode(column: "name", as: String.self)
            }
            let known = Set(TableCatalog.tables.map(\.name)).union(TableCatalog.bookkeeping)
            if let stray = present.sorted().first(where: { !known.contains($0) }) {
                throw TransferError.unknownTable(stray)
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            func emit(_ line: DumpLine) throws { try write(String(decoding: try encoder.encode(line), as: UTF8.self)) }
            try emit(DumpLine(format: DumpLine.formatName, schema: schema))
            var report = TransferReport()
            for table in TableCatalog.tables {
                var query = database.select().columns(table.columns.map(\.name)).from(table.name)
                for column in table.columns.prefix(2) { query = query.orderBy(column.name) }
                let rows = try await query.all()
                for row in rows {
                    var values: [String: DumpValue] = [:]
                    for (name, kind) in table.columns {
                        switch kind {
                        case .integer:
                            values[name] = try row.decode(column: name, as: Int64?.self).map { .integer($0) } ?? .null
                        case .boolean:
                            values[name] = try row.decode(column: name, as: Bool?.self).map { .boolean($0) } ?? .null
                        case .text:
                            values[name] = try row.decode(column: name, as: String?.self).map { .text($0) } ?? .null
                        }
                    }
                    try emit(DumpLine(table: table.name, row: values))
                }
                report.rows[table.name] = rows.count
            }
            let activity = try await database.select().column("value").from("counters")
                .where("name", .equal, SQLBind("activity")).first()?.decode(column: "value", as: Int64.self)
            try emit(DumpLine(counts: report.rows, activity: activity))
            return report
        }
    }

    /// Loads a dump in one transaction and checks every table's count at the end.
    /// - Parameter merge: add to a database that already has rows, skipping rows whose key is already there
    ///   (for finishing an interrupted import; ids are kept, so it does not merge unrelated databases).
    /// - Throws: ``TransferError``: a non-empty target without `merge`, a malformed line, a count that differs.
    public func importDump(lines: [String], merge: Bool) async throws -> TransferReport {
        let decoder = JSONDecoder()
        var rowsByTable: [String: [[String: DumpValue]]] = [:]
        var counts: [String: Int]?
        var activity: Int64?
        let known = Self.migrations.last?.version ?? 0
        for (index, text) in lines.enumerated() where !text.trimmingCharacters(in: .whitespaces).isEmpty {
            let number = index + 1
            guard let line = try? decoder.decode(DumpLine.self, from: Data(text.utf8)) else {
                throw TransferError.malformed(line: number, reason: "not a dump line")
            }
            if index == 0 {
                guard line.format == DumpLine.formatName, let schema = line.schema else {
                    throw TransferError.malformed(line: 1, reason: "not a sprucelink dump (header missing)")
                }
                guard schema <= known else { throw TransferError.newerSchema(dump: schema, known: known) }
            } else if let table = line.table, let row = line.row {
                guard TableCatalog.tables.contains(where: { $0.name == table }) else {
                    throw TransferError.malformed(line: number, reason: "unknown table \(table)")
                }
                rowsByTable[table, default: []].append(row)
            } else if let lineCounts = line.counts {
                counts = lineCounts
                activity = line.activity
            } else {
                throw TransferError.malformed(line: number, reason: "neither a row nor the closing counts")
            }
        }
        guard let counts else {
            throw TransferError.malformed(line: lines.count, reason: "the closing counts are missing (truncated dump?)")
        }
        for table in TableCatalog.tables where (rowsByTable[table.name]?.count ?? 0) != (counts[table.name] ?? 0) {
            throw TransferError.countMismatch(
                table: table.name, expected: counts[table.name] ?? 0, found: rowsByTable[table.name]?.count ?? 0)
        }
        let rows = rowsByTable
        let finalActivity = activity
        let engine = self.engine
        return try await transaction { database in
            var before: [String: Int] = [:]
            for table in TableCatalog.tables {
                before[table.name] = try await Self.count(table.name, in: database)
                if !merge, before[table.name, default: 0] > 0 { throw TransferError.notEmpty(table: table.name) }
            }
            var report = TransferReport()
            for table in TableCatalog.tables {
                let tableRows = rows[table.name] ?? []
                for start in stride(from: 0, to: tableRows.count, by: 200) {
                    var insert = database.insert(into: table.name).columns(table.columns.map(\.name))
                    for row in tableRows[start..<min(start + 200, tableRows.count)] {
                        insert = insert.values(
                            table.columns.map { Self.expression(row[$0.name] ?? .null, as: $0.kind) })
                    }
                    if merge { insert = insert.ignoringConflicts() }
                    try await insert.run()
                }
                let after = try await Self.count(table.name, in: database)
                let inserted = after - before[table.name, default: 0]
                report.rows[table.name] = inserted
                report.skipped[table.name] = tableRows.count - inserted
                if !merge && after != tableRows.count {
                    throw TransferError.countMismatch(table: table.name, expected: tableRows.count, found: after)
                }
                if table.hasIdentity, let reset = engine.identityReset(table: table.name) {
                    try await database.execute(sql: SQLRaw(reset)) { _ in }
                }
            }
            if let finalActivity {
                try await database.update("counters").set("value", to: SQLBind(finalActivity))
                    .where("name", .equal, SQLBind("activity")).where("value", .lessThan, SQLBind(finalActivity)).run()
            }
            return report
        }
    }

    static func count(_ table: String, in database: any SQLDatabase) async throws -> Int {
        let row = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table)
            .first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    private static func expression(_ value: DumpValue, as kind: TableCatalog.Kind) -> any SQLExpression {
        switch (value, kind) {
        case (.null, _): SQLLiteral.null
        case (.integer(let number), .boolean): SQLBind(number != 0)
        case (.boolean(let flag), .integer): SQLBind(flag ? Int64(1) : 0)
        case (.integer(let number), _): SQLBind(number)
        case (.boolean(let flag), _): SQLBind(flag)
        case (.text(let text), _): SQLBind(text)
        }
    }
}

extension SQLDatabase {
    /// Runs a fixed query (no user input) and returns its rows.
    fileprivate func execute(raw sql: String) async throws -> [any SQLRow] {
        try await self.raw(SQLQueryString(stringLiteral: sql)).all()
    }
}
