import Foundation
import Hummingbird
import SpruceCore
import SpruceStore

extension APIController {
    /// `GET /api/v1/links/{code}/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&by=day|week|month`: one of the organization's
    /// links' funnel, in the organization's time zone (the last 30 days by default).
    func apiLinkStats(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let zone = try await store.funnelTimeZone(of: organizationID)
        let query = try FunnelQuery(request.uri.query, today: FunnelQuery.today(in: zone))
        let report = try await store.linkFunnel(
            code: code, range: query.range, grouping: query.grouping, in: .only(organizationID))
        return try json(FunnelJSON.LinkReport(report))
    }

    /// `GET /api/v1/stats?tag=…&from=…&to=…`: the organization's funnel totals per tag (only `tag` when given).
    func apiTagStats(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let organizationID = try requireAPIKey(context)
        let form = FormData(query: request.uri.query)
        var tag: ConversationTag?
        if let text = form["tag"], !text.isEmpty {
            do {
                tag = try ConversationTag(text)
            } catch {
                throw ServerError.invalid("tag", error.description)
            }
        }
        let zone = try await store.funnelTimeZone(of: organizationID)
        let query = try FunnelQuery(request.uri.query, today: FunnelQuery.today(in: zone))
        let totals = try await store.tagFunnel(
            organization: organizationID, tag: tag, range: query.range, in: .only(organizationID))
        return try json(FunnelJSON.TagReport(organization: organizationID, range: query.range, totals: totals))
    }
}
