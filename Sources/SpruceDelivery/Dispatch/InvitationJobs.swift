import Foundation
import SpruceCore
import SpruceStore
import Synchronization

/// The invitation lists a server process sends in the background (a large CSV upload), bounded per organization
/// and per process, and the finished ones' results for a while after.
///
/// Jobs live in this process's memory only: a restart forgets them (a running one stops where it is; the rows it
/// sent stay recorded and a re-upload skips them as already invited), and their pages then answer as unknown.
/// A job is read only in an ``OrganizationScope`` that contains its organization; any other scope gets `nil`,
/// exactly as for an identifier that was never issued.
public final class InvitationJobs: Sendable {
    public struct Limits: Sendable {
        /// Jobs running at once for one organization.
        public var perOrganization: Int
        /// Jobs running at once in the process.
        public var running: Int
        /// Finished jobs kept for their pages; the oldest go first.
        public var kept: Int
        /// How long a finished job is kept.
        public var retention: TimeInterval

        public init(perOrganization: Int = 2, running: Int = 6, kept: Int = 64, retention: TimeInterval = 3600) {
            self.perOrganization = perOrganization
            self.running = running
            self.kept = kept
            self.retention = retention
        }
    }

    public let limits: Limits
    private let jobs = Mutex<[InvitationJobID: InvitationJob]>([:])

    public init(limits: Limits = Limits()) {
        self.limits = limits
    }

    /// Starts `work` in a detached task (off the server's event loops) as a job of `organizationID` over `total`
    /// rows. `work` hands each chunk's outcomes to the closure it is given; the job is finished when it returns.
    /// - Throws: ``InvitationJobError`` when the organization or the process runs as many jobs as it may.
    public func start(
        organizationID: OrganizationID,
        total: Int,
        at now: Date = Date(),
        work: @escaping @Sendable (_ record: @escaping @Sendable ([InviteeOutcome]) async -> Void) async -> Void
    ) throws(InvitationJobError) -> InvitationJobID {
        let id = InvitationJobID.generate()
        try jobs.withLock { jobs throws(InvitationJobError) in
            prune(&jobs, at: now)
            let running = jobs.values.filter { !$0.isFinished }
            guard running.count(where: { $0.organizationID == organizationID }) < limits.perOrganization else {
                throw .organizationBusy(limit: limits.perOrganization)
            }
            guard running.count < limits.running else { throw .serverBusy(limit: limits.running) }
            jobs[id] = InvitationJob(id: id, organizationID: organizationID, total: total, startedAt: now)
        }
        Task.detached { [self] in
            await work { chunk in self.jobs.withLock { $0[id]?.record(chunk) } }
            jobs.withLock { $0[id]?.finishedAt = Date() }
        }
        return id
    }

    /// The job named `id`, if it exists and its organization is in `scope`; otherwise `nil`, the same either way.
    public func job(_ id: InvitationJobID, in scope: OrganizationScope) -> InvitationJob? {
        jobs.withLock { jobs in
            guard let job = jobs[id], scope.contains(job.organizationID) else { return nil }
            return job
        }
    }

    /// Drops finished jobs past their retention, then the oldest finished ones past ``Limits/kept``.
    private func prune(_ jobs: inout [InvitationJobID: InvitationJob], at now: Date) {
        let finished = jobs.values.compactMap { job in job.finishedAt.map { (job.id, $0) } }.sorted { $0.1 < $1.1 }
        for (index, (id, finishedAt)) in finished.enumerated()
        where now.timeIntervalSince(finishedAt) > limits.retention || finished.count - index > limits.kept {
            jobs[id] = nil
        }
    }
}
