import ArgumentParser
import Foundation
import SpruceStore

struct ExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write every table to standard output as JSON Lines, from one consistent snapshot.",
        discussion: "sprucelink export --database ./sprucelink.sqlite > dump.jsonl"
    )

    @OptionGroup var options: DatabaseOptions

    func run() async throws {
        let report = try await options.withStore { store in
            try await store.export { line in
                FileHandle.standardOutput.write(Data((line + "\n").utf8))
            }
        }
        let total = report.rows.values.reduce(0, +)
        Terminal.printError("exported \(total) rows from \(report.rows.count) tables")
    }
}

struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load a dump made by export from standard input, in one transaction, with a count check.",
        discussion: """
            sprucelink import --database postgres://user@host/db < dump.jsonl
            An import into a database that already has rows is refused unless --merge is given.
            """
    )

    @OptionGroup var options: DatabaseOptions

    @Flag(help: "Add to a database that has rows, skipping rows whose key is already there (ids are kept).")
    var merge = false

    func run() async throws {
        var lines: [String] = []
        while let line = readLine(strippingNewline: true) { lines.append(line) }
        guard !lines.isEmpty else { throw UsageError("standard input is empty: pipe a dump made by sprucelink export") }
        let report: TransferReport
        do {
            report = try await options.withStore { store in try await store.importDump(lines: lines, merge: merge) }
        } catch TransferError.notEmpty(let table) {
            throw UsageError("the target database is not empty (\(table) has rows); use --merge to add to it")
        } catch let error as TransferError {
            throw UsageError(error.description)
        }
        for table in report.rows.keys.sorted() {
            let skipped = report.skipped[table] ?? 0
            print("\(table): \(report.rows[table] ?? 0) rows" + (skipped > 0 ? ", \(skipped) already present" : ""))
        }
        print("count check passed")
    }
}
