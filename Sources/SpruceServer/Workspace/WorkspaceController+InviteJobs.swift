import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceDelivery
import SpruceStore

/// `/workspace/invite/jobs/{id}`: the progress page of a large CSV upload sent in the background, refreshing
/// itself every 2 seconds until the result table and the report; and the report as a file. A job of another
/// organization, a malformed identifier and a job this process does not know (never issued, expired, or from
/// before a restart) all get the same 404 page.
extension WorkspaceController {
    static let inviteJob = Endpoint(.get, "/workspace/invite/jobs/{id}")
    static let inviteJobReport = Endpoint(.get, "/workspace/invite/jobs/{id}/report.csv")
    /// Seconds between two loads of a running job's page.
    static let jobRefreshSeconds = 2

    func addJobRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.inviteJob, use: inviteJobPage)
        browser.on(Self.inviteJobReport, use: inviteJobReport)
    }

    /// The job named in the path, read in the member's scope.
    private func job(_ context: SpruceRequestContext, desk: Desk) -> InvitationJob? {
        InvitationJobID(context.parameters.get("id") ?? "").flatMap { jobs.job($0, in: desk.scope) }
    }

    /// `GET /workspace/invite/jobs/{id}`.
    func inviteJobPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        var values = values("Sending invitations", tab: "invite", desk: desk, context: context)
        guard let job = job(context, desk: desk) else {
            values["unknown"] = true
            return pages.page("workspace-invite-job", values, status: .notFound, headers: [.cacheControl: "no-store"])
        }
        values["job"] = [
            "done": job.outcomes.count, "total": job.total, "sent": job.sent, "skipped": job.skipped,
            "failed": job.failed, "percent": job.total == 0 ? 100 : job.outcomes.count * 100 / job.total,
        ]
        if job.isFinished {
            values["results"] = Self.resultValues(
                job.outcomes, reportHref: "/workspace/invite/jobs/\(job.id)/report.csv")
        } else {
            values["running"] = true
            values["refresh"] = Self.jobRefreshSeconds
        }
        return pages.page("workspace-invite-job", values, headers: [.cacheControl: "no-store"])
    }

    /// `GET /workspace/invite/jobs/{id}/report.csv`: the report of a finished job (404 while it runs).
    func inviteJobReport(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        guard let job = job(context, desk: desk), job.isFinished else { throw ServerError(.notFound) }
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                .contentDisposition: #"attachment; filename="invitation-report.csv""#,
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(string: InviteeOutcome.report(job.outcomes))))
    }

    /// The result table's values (`results` in the templates) for `outcomes`.
    static func resultValues(_ outcomes: [InviteeOutcome], reportHref: String) -> [String: Any] {
        var counts: [InviteeOutcome.Status: Int] = [:]
        let rows: [[String: Any]] = outcomes.map { outcome in
            counts[outcome.status, default: 0] += 1
            let row = outcome.row
            return [
                "number": row.number, "name": row.name, "email": row.email, "phone": row.phone,
                "status": outcome.status.rawValue, "reason": outcome.reason, "isSent": outcome.status == .sent,
            ]
        }
        return [
            "rows": rows, "sent": counts[.sent] ?? 0, "skipped": counts[.skipped] ?? 0,
            "failed": counts[.failed] ?? 0, "reportHref": reportHref,
        ]
    }
}
