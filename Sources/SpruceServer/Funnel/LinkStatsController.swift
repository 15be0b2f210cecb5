import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceStore

/// `GET /workspace/links/{code}/stats`: one of the signed-in member's links — its funnel per day (30 days unless a
/// range is asked for) as a table and a bar chart, its organization's totals per tag, a date-range form and a CSV
/// download (`/workspace/links/{code}/stats.csv`). Members of other organizations get the 404 of an unknown code.
struct LinkStatsController: Sendable {
    static let page = Endpoint(.get, "/workspace/links/{code}/stats")
    static let csv = Endpoint(.get, "/workspace/links/{code}/stats.csv")

    let store: SpruceStore
    let visitors: Visitors
    let pages: PageRenderer

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.page, use: statsPage)
        browser.on(Self.csv, use: statsCSV)
    }

    private func report(_ request: Request, context: SpruceRequestContext) async throws -> (
        Member, LinkFunnelReport, FunnelQuery
    ) {
        let member = try await visitors.requireMember(context)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let scope = OrganizationScope.only(member.organizationID)
        let zone = try await store.funnelTimeZone(of: member.organizationID)
        let query = try FunnelQuery(request.uri.query, today: FunnelQuery.today(in: zone))
        let report = try await store.linkFunnel(code: code, range: query.range, grouping: query.grouping, in: scope)
        return (member, report, query)
    }

    func statsPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let (member, report, query) = try await report(request, context: context)
        let tags = try await store.tagFunnel(
            organization: member.organizationID, range: query.range, in: .only(member.organizationID))
        let events = FunnelEvent.allCases
        var values = pages.pageValues("Link statistics", context: context, visitor: .member(member))
        values["code"] = report.code.rawValue
        values["timeZone"] = report.timeZone.identifier
        values["from"] = report.range.from.description
        values["to"] = report.range.to.description
        values["grouping"] = FunnelGrouping.allCases.map {
            ["value": $0.rawValue, "selected": $0 == query.grouping] as [String: Any]
        }
        values["headings"] = events.map(\.label)
        values["rows"] = report.periods.reversed().map { period in
            [
                "period": period.start.description,
                "cells": events.map { String(period.counts[$0]) },
                "unique": String(period.counts.uniqueVisitors),
            ] as [String: Any]
        }
        let totals = report.totals
        values["totals"] = events.map { String(totals[$0]) }
        values["totalUnique"] = String(totals.uniqueVisitors)
        values["chart"] = FunnelChart.svg(report)
        values["tags"] = tags.map { total in
            [
                "tag": total.tag ?? "(no tag)", "links": String(total.links),
                "cells": events.map { String(total.counts[$0]) }, "unique": String(total.counts.uniqueVisitors),
            ] as [String: Any]
        }
        values["csvHref"] =
            "/workspace/links/\(report.code.rawValue)/stats.csv?from=\(report.range.from)&to=\(report.range.to)"
            + "&by=\(report.grouping.rawValue)"
        return pages.page("linkstats", values)
    }

    func statsCSV(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let (_, report, _) = try await report(request, context: context)
        let filename = "spruce-\(report.code.rawValue)-\(report.range.from)-\(report.range.to).csv"
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "private, no-store",
                .contentDisposition: "attachment; filename=\"\(filename)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: FunnelCSV.render(report))))
    }
}
