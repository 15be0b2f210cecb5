import ArgumentParser
import Foundation
import SpruceCore
import SpruceDelivery
import SpruceStore

extension InviteCommand {
    struct Batch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Invite every recipient of a CSV file (name,email,phone).",
            discussion: """
                Rows are validated one by one: a bad row is reported with its number (the header is row 1) and the \
                batch goes on. Recipients with a still-valid invitation to this practice are skipped unless \
                --resend; opted-out recipients always are. Ends with a summary; exit status 2 when any row failed.
                """
        )

        @OptionGroup var database: DatabaseOptions
        @OptionGroup var target: InvitationTargetOptions
        @OptionGroup var delivery: DeliveryOptions

        @Option(help: ArgumentHelp("The CSV file: a name,email,phone header, UTF-8.", valueName: "file"))
        var csv: String

        @Option(help: ArgumentHelp("Write a CSV report, one line per row, to this file.", valueName: "file"))
        var report: String?

        @Flag(help: "Revoke still-valid invitations to the same recipients and send new ones.")
        var resend = false

        @Option(
            help: ArgumentHelp(
                "How many rows are recorded, written to disk and marked delivered together (one flush each way).",
                valueName: "rows"))
        var chunkSize = InvitationDispatcher.defaultChunkSize

        func validate() throws {
            guard (1...10_000).contains(chunkSize) else { throw ValidationError("--chunk-size: must be 1 to 10000") }
        }

        func run() async throws {
            let code = try target.linkCode()
            let personalMessage = try target.personalMessage()
            guard let data = FileManager.default.contents(atPath: csv) else {
                throw UsageError("--csv: cannot read \(csv)")
            }
            let list: InviteeList
            do { list = try InviteeList(data: data, defaultRegion: target.defaultCountry) } catch {
                throw UsageError("--csv: \(error.rule)")
            }
            var lines: [BatchReportLine] = []
            lines.reserveCapacity(list.rows.count)
            try await database.withStore { store in
                var dispatcher = try await delivery.dispatcher(store: store)
                dispatcher.personalMessage = personalMessage
                let practice = try await target.practiceName(code, store: store)
                let progress = ProgressBar(label: "Inviting")
                // A chunk of rows at a time: its valid recipients are recorded, flushed and marked together, and
                // the next chunk is recorded and rendered while one is delivered.
                let chunks = stride(from: 0, to: list.rows.count, by: chunkSize).map { start in
                    list.rows[start..<min(start + chunkSize, list.rows.count)]
                }
                await dispatcher.send(
                    link: code, practiceName: practice,
                    chunks: chunks.map { rows in rows.compactMap { row in try? row.recipient.get() } },
                    requested: target.channels, resend: resend
                ) { index, chunkOutcomes in
                    let rows = chunks[index]
                    var outcomes = chunkOutcomes.makeIterator()
                    for row in rows {
                        let line: BatchReportLine
                        switch row.recipient {
                        case .failure(let error):
                            line = BatchReportLine(
                                row: row, status: "failed", invitationID: nil, reason: error.description)
                        case .success:
                            switch outcomes.next() {
                            case .sent(let record, let warnings):
                                line = BatchReportLine(
                                    row: row, status: "sent", invitationID: record.invitation.id,
                                    reason: warnings.joined(separator: "; "))
                            case .skipped(let reason):
                                line = BatchReportLine(
                                    row: row, status: "skipped", invitationID: nil, reason: InviteText.skipped(reason))
                            case .failed(let reason):
                                line = BatchReportLine(row: row, status: "failed", invitationID: nil, reason: reason)
                            case nil:
                                line = BatchReportLine(
                                    row: row, status: "failed", invitationID: nil, reason: "not attempted")
                            }
                        }
                        if line.status == "failed" {
                            if progress.isVisible { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
                            Terminal.printError("row \(row.number): \(line.reason)")
                        }
                        lines.append(line)
                    }
                    progress.update(lines.count, of: list.rows.count)
                }
            }
            if let report {
                do { try BatchReportLine.write(lines, to: report) } catch {
                    throw OperationalError("--report: cannot write \(report): \(error.localizedDescription)")
                }
            }
            let sent = lines.count { $0.status == "sent" }
            let skipped = lines.count { $0.status == "skipped" }
            let failed = lines.count { $0.status == "failed" }
            print("sent \(sent), skipped \(skipped), failed \(failed)")
            if failed > 0 { throw ExitCode(2) }
        }
    }
}

/// One line of `--report`: `row,name,email,phone,status,invitation_id,reason`.
struct BatchReportLine {
    let row: InviteeList.Row
    let status: String
    let invitationID: InvitationID?
    let reason: String

    static func write(_ lines: [BatchReportLine], to path: String) throws {
        var text = InvitationReport.header + "\r\n"
        for line in lines {
            text +=
                InvitationReport.line(
                    row: line.row, status: line.status, invitationID: line.invitationID, reason: line.reason) + "\r\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
