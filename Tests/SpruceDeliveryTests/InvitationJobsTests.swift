import Foundation
import SpruceCore
import SpruceDelivery
import SpruceStore
import Testing

@Suite("Background invitation jobs: identifiers, limits, scope, retention")
struct InvitationJobsTests {
    static let oak = OrganizationID(rawValue: 1)
    static let lumen = OrganizationID(rawValue: 2)

    typealias Work = @Sendable (@escaping @Sendable ([InviteeOutcome]) async -> Void) async -> Void

    /// A job body that waits until `gate` finishes.
    static func waiting(_ gate: AsyncStream<Void>) -> Work {
        { _ in for await _ in gate {} }
    }

    static func finished(_ jobs: InvitationJobs, _ id: InvitationJobID) async throws -> InvitationJob {
        for _ in 0..<500 {
            if let job = jobs.job(id, in: .everyOrganization), job.isFinished { return job }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw CancellationError()
    }

    @Test("identifiers are 128 random bits in 32 lowercase hex digits; anything else does not parse")
    func identifiers() {
        let ids = (0..<1_000).map { _ in InvitationJobID.generate().rawValue }
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { InvitationJobID($0)?.rawValue == $0 && $0.count == 32 })
        for bad in ["", "abc", String(repeating: "A", count: 32), String(repeating: "g", count: 32), ids[0] + "0"] {
            #expect(InvitationJobID(bad) == nil, "\(bad)")
        }
    }

    @Test("a job is read in its organization's scopes only; another organization's is nil like a missing one")
    func scope() async throws {
        let jobs = InvitationJobs()
        let row = try InviteeList(data: Data("name,email\nAna,ana@example.com\n".utf8)).rows[0]
        let id = try jobs.start(organizationID: Self.oak, total: 1) { record in
            await record([InviteeOutcome(row: row, status: .sent, invitationID: InvitationID(rawValue: 7), reason: "")])
        }
        let job = try await Self.finished(jobs, id)
        #expect(job.outcomes.count == 1 && job.sent == 1 && job.skipped == 0 && job.failed == 0 && job.total == 1)
        #expect(jobs.job(id, in: .staff(Self.oak))?.id == id && jobs.job(id, in: .only(Self.oak))?.id == id)
        #expect(jobs.job(id, in: .only(Self.lumen)) == nil && jobs.job(id, in: .staff(Self.lumen)) == nil)
        #expect(jobs.job(InvitationJobID.generate(), in: .only(Self.oak)) == nil)
    }

    @Test("at most so many running per organization and per process; finished ones free their place")
    func limits() async throws {
        let jobs = InvitationJobs(limits: .init(perOrganization: 2, running: 3))
        let (gate, open) = AsyncStream<Void>.makeStream()
        let first = try jobs.start(organizationID: Self.oak, total: 1, work: Self.waiting(gate))
        _ = try jobs.start(organizationID: Self.oak, total: 1, work: Self.waiting(gate))
        #expect(throws: InvitationJobError.self) {
            try jobs.start(organizationID: Self.oak, total: 1, work: Self.waiting(gate))
        }
        _ = try jobs.start(organizationID: Self.lumen, total: 1, work: Self.waiting(gate))
        do {
            _ = try jobs.start(organizationID: Self.lumen, total: 1, work: Self.waiting(gate))
            Issue.record("a fourth job started past the process's limit of 3")
        } catch {
            #expect(error.description == "the server is sending 3 uploads already; wait a minute, then upload again")
        }
        #expect(
            InvitationJobError.organizationBusy(limit: 2).description
                == "2 upload(s) of this practice are still being sent; wait for one to finish, then upload again")
        open.finish()
        _ = try await Self.finished(jobs, first)
        // The second job of the practice still waits on the gate's end; the first one's place is free again.
        var started: InvitationJobID?
        for _ in 0..<500 where started == nil {
            started = try? jobs.start(organizationID: Self.oak, total: 1) { _ in }
            if started == nil { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(started != nil && jobs.job(first, in: .only(Self.oak))?.isFinished == true)
    }

    @Test("finished jobs are forgotten after their retention, the oldest first past the number kept")
    func retention() async throws {
        let jobs = InvitationJobs(limits: .init(kept: 2, retention: 60))
        var ids: [InvitationJobID] = []
        for _ in 0..<3 {
            let id = try jobs.start(organizationID: Self.oak, total: 0) { _ in }
            _ = try await Self.finished(jobs, id)
            ids.append(id)
        }
        _ = try jobs.start(organizationID: Self.oak, total: 0) { _ in }
        #expect(jobs.job(ids[0], in: .only(Self.oak)) == nil)
        #expect(jobs.job(ids[1], in: .only(Self.oak)) != nil && jobs.job(ids[2], in: .only(Self.oak)) != nil)
        _ = try jobs.start(organizationID: Self.oak, total: 0, at: Date().addingTimeInterval(61)) { _ in }
        #expect(jobs.job(ids[1], in: .only(Self.oak)) == nil && jobs.job(ids[2], in: .only(Self.oak)) == nil)
    }
}
