import ArgumentParser
import Foundation
import SpruceCore
import SpruceStore

/// `sprucelink stats --org ID --by tag` and `sprucelink link stats <code>`: the funnel, as a table, JSON or CSV.
struct StatsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "An organization's funnel totals per tag (scans, visits, connects, signups, conversations…).",
        discussion: "Days are counted in the organization's time zone (`sprucelink stats time-zone`).",
        subcommands: [TagTotals.self, TimeZoneCommand.self],
        defaultSubcommand: TagTotals.self
    )

    enum Output: String {
        case table, json, csv
    }

    /// `--from`/`--to` and the output flags shared by both reports.
    struct ReportOptions: ParsableArguments {
        @Option(help: ArgumentHelp("The first day, in the organization's time zone.", valueName: "YYYY-MM-DD"))
        var from: String?

        @Option(help: ArgumentHelp("The last day (default: today).", valueName: "YYYY-MM-DD"))
        var to: String?

        @Flag(help: "Print JSON.")
        var json = false

        @Flag(help: "Print CSV.")
        var csv = false

        func output() throws -> Output {
            guard !(json && csv) else { throw UsageError("--json, --csv: choose one") }
            return json ? .json : csv ? .csv : .table
        }

        func range(today: LocalDay) throws -> FunnelRange {
            do {
                return try FunnelRange(from: from, to: to, today: today)
            } catch {
                throw UsageError("--\(error.field): \(error.rule)")
            }
        }
    }

    struct TagTotals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "tags", abstract: "An organization's funnel totals per tag (the default).")

        @OptionGroup var options: DatabaseOptions
        @OptionGroup var report: ReportOptions

        @Option(help: "The id of the organization.")
        var org: Int64

        @Option(help: ArgumentHelp("What to total by; only `tag` for now.", valueName: "tag"))
        var by = "tag"

        @Option(help: ArgumentHelp("Only this tag.", valueName: "tag"))
        var tag: String?

        func run() async throws {
            guard by == "tag" else { throw UsageError("--by: must be tag") }
            let output = try report.output()
            let organization = OrganizationID(rawValue: org)
            var only: ConversationTag?
            if let tag {
                do { only = try ConversationTag(tag) } catch { throw UsageError("--tag: \(error.description)") }
            }
            let (range, totals) = try await options.withStore { store in
                let zone = try await store.funnelTimeZone(of: organization)
                let range = try report.range(today: LocalDay(Date(), in: zone.timeZone))
                return (
                    range,
                    try await store.tagFunnel(
                        organization: organization, tag: only, range: range, in: .everyOrganization)
                )
            }
            switch output {
            case .json:
                try JSONOutput.print(FunnelJSON.TagReport(organization: organization, range: range, totals: totals))
            case .csv: Terminal.writeOutput(Data(FunnelCSV.render(totals).utf8))
            case .table:
                print("Totals per tag, \(range.from) to \(range.to)")
                print(
                    StatsCommand.table(
                        header: ["tag", "links"], rows: totals.map { [$0.tag ?? "(no tag)", String($0.links)] },
                        counts: totals.map(\.counts)))
            }
        }
    }

    /// `sprucelink stats time-zone --org ID [ZONE]`: shows or sets the zone an organization's days are counted in.
    struct TimeZoneCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "time-zone",
            abstract: "Show or set the IANA time zone an organization's funnel days are counted in (default UTC).")

        @OptionGroup var options: DatabaseOptions

        @Option(help: "The id of the organization.")
        var org: Int64

        @Argument(help: ArgumentHelp("The new zone, e.g. America/New_York.", valueName: "zone"))
        var zone: String?

        func run() async throws {
            let organization = OrganizationID(rawValue: org)
            var chosen: FunnelTimeZone?
            if let zone {
                do { chosen = try FunnelTimeZone(zone) } catch { throw UsageError("zone: \(error.rule)") }
            }
            let current = try await options.withStore { store in
                if let chosen {
                    try await store.setFunnelTimeZone(chosen, organization: organization, in: .everyOrganization)
                }
                return try await store.funnelTimeZone(of: organization)
            }
            print(current.identifier)
        }
    }

    /// `sprucelink link stats <code>`.
    struct LinkStats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "stats",
            abstract: "A link's funnel per day, week or month (the last 30 days unless --from/--to say otherwise).")

        @OptionGroup var options: DatabaseOptions
        @OptionGroup var report: ReportOptions

        @Argument(help: "The code of the link.")
        var code: String

        @Option(help: ArgumentHelp("Group by day, week or month.", valueName: "day|week|month"))
        var by = "day"

        func run() async throws {
            let linkCode: LinkCode
            do { linkCode = try LinkCode(code) } catch { throw UsageError("code: \(error.description)") }
            guard let grouping = FunnelGrouping(rawValue: by) else {
                throw UsageError("--by: must be one of: day, week, month")
            }
            let output = try report.output()
            let result = try await options.withStore { store in
                guard let link = try await store.link(code: linkCode) else { throw StoreError.linkNotFound }
                let zone = try await store.funnelTimeZone(of: link.organizationID)
                let range = try report.range(today: LocalDay(Date(), in: zone.timeZone))
                return try await store.linkFunnel(
                    code: linkCode, range: range, grouping: grouping, in: .everyOrganization)
            }
            switch output {
            case .json: try JSONOutput.print(FunnelJSON.LinkReport(result))
            case .csv: Terminal.writeOutput(Data(FunnelCSV.render(result).utf8))
            case .table:
                print(
                    "\(LinkText.url(for: result.code)): \(result.range.from) to \(result.range.to) (\(result.timeZone))"
                )
                print(
                    StatsCommand.table(
                        header: [result.grouping.rawValue], rows: result.periods.map { [$0.start.description] },
                        counts: result.periods.map(\.counts)))
            }
        }
    }

    /// A plain-text table: the given leading columns, then one column per event and the unique visitors.
    static func table(header: [String], rows: [[String]], counts: [FunnelCounts]) -> String {
        let columns = header + FunnelEvent.allCases.map(\.rawValue) + ["unique_visitors"]
        var lines = [columns]
        for (row, count) in zip(rows, counts) {
            lines.append(row + FunnelEvent.allCases.map { String(count[$0]) } + [String(count.uniqueVisitors)])
        }
        let widths = columns.indices.map { index in lines.map { $0[index].count }.max() ?? 0 }
        return lines.map { line in
            zip(line, widths).enumerated().map { index, pair in
                let padding = String(repeating: " ", count: pair.1 - pair.0.count)
                return index < header.count ? pair.0 + padding : padding + pair.0
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
