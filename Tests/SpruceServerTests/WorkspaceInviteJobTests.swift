import Foundation
import HTTPTypes
import SpruceCore
import SpruceDelivery
import SpruceStore
import Testing

@testable import SpruceServer

/// Large CSV uploads: parsed and checked in the request, then sent as a background job with a progress page.
@Suite("Large CSV uploads as background jobs over a live server")
struct WorkspaceInviteJobTests {
    /// 3 000 rows: 2 997 new patients, a bad email, a duplicate of row 2 and an opted-out address.
    static let bigList: String = {
        var lines = ["name,email,phone"]
        for index in 1...2_997 { lines.append("Patient \(index),p\(index)@example.com,") }
        lines += ["Bad,not-an-email,", "Again,p1@example.com,", "Gone,gone@example.com,"]
        return lines.joined(separator: "\n") + "\n"
    }()

    static func upload(_ browser: Browser, _ csv: String) async throws -> Page {
        let page = try await browser.get("/workspace/invite")
        return try await browser.upload(
            "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "patients.csv", Array(csv.utf8)),
            csrf: page.csrfToken)
    }

    /// Loads the job's page until it shows the results; returns every page seen.
    static func follow(_ browser: Browser, _ path: String) async throws -> [Page] {
        var seen: [Page] = []
        for _ in 0..<1_200 {
            let page = try await browser.get(path)
            seen.append(page)
            if page.status != .ok || page.text.contains(#"id="summary""#) { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        return seen
    }

    @Test(
        "3 000 rows: a 303 to the job, a refreshing progress page, then the results and the report",
        arguments: ServerTestEngine.all)
    func bigUpload(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            _ = try await server.store.optOut(address: "gone@example.com")
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let started = try await Self.upload(staff, Self.bigList)
            #expect(started.status == .seeOther, "\(started.text.prefix(500))")
            let path = try #require(started.location)
            let id = String(path.dropFirst("/workspace/invite/jobs/".count))
            #expect(path.hasPrefix("/workspace/invite/jobs/") && InvitationJobID(id) != nil, "\(path)")

            let pages = try await Self.follow(staff, path)
            let first = try #require(pages.first)
            #expect(first.status == .ok && first.text.contains(#"<meta http-equiv="refresh" content="2">"#))
            #expect(first.text.contains(#"id="progress""#) && first.text.contains("of 3000 rows done"))
            let last = try #require(pages.last)
            #expect(last.status == .ok && last.text.contains("2997 sent · 2 skipped · 1 failed"), "\(last.status)")
            #expect(!last.text.contains("http-equiv=\"refresh\""))
            #expect(last.text.components(separatedBy: #"<tr class="result-"#).count - 1 == 3_000)
            #expect(last.text.contains(#"href="\#(path)/report.csv" download="invitation-report.csv""#))

            let report = try await staff.get(path + "/report.csv")
            #expect(report.status == .ok && report.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = report.text.split(separator: "\r\n").map(String.init)
            #expect(lines.count == 3_001 && lines.first == InvitationReport.header)
            #expect(lines[1].hasPrefix("2,Patient 1,p1@example.com,,sent,"))
            #expect(lines.contains { $0.hasPrefix("2999,Bad,not-an-email,,failed,,") })
            #expect(lines.contains { $0.hasPrefix("3000,Again,p1@example.com,,skipped,,") })
            #expect(lines.contains { $0.hasPrefix("3001,Gone,gone@example.com,,skipped,,") })

            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let records = try await server.store.invitationRecords(of: oak.id)
            let reported = Set(
                lines.dropFirst().compactMap {
                    Int64($0.split(separator: ",", omittingEmptySubsequences: false)[5])
                })
            #expect(Set(records.map(\.invitation.id.rawValue)) == reported && reported.count == 2_997)
            #expect(records.allSatisfy { $0.emailDeliveredAt != nil && $0.invitedBy == oakStaff })
            #expect(try WorkspaceInviteTests.emails(server).count == 2_997)

            // Another member of the practice sees it; another practice's member gets the page of a missing job.
            let admin = try await WorkspaceTests.loggedIn(server, oakAdmin)
            #expect(try await admin.get(path).text.contains("2997 sent"))
            let other = try await WorkspaceTests.loggedIn(server, lumenAdmin)
            let foreign = try await other.get(path)
            let missing = try await other.get("/workspace/invite/jobs/\(InvitationJobID.generate())")
            #expect(foreign.status == .notFound && foreign.text == missing.text)
            #expect(foreign.text.contains("unknown to the server") && !foreign.text.contains("Patient 1"))
            #expect(try await other.get(path + "/report.csv").status == .notFound)
            let anonymous = try await server.browser().get(path)
            #expect(anonymous.status == .seeOther && anonymous.location?.hasPrefix("/login?next=") == true)
        }
    }

    @Test("a job this server does not know (malformed, never issued, from before a restart) is a 404 page")
    func unknownJobs() async throws {
        try await withLiveServer { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            for id in [InvitationJobID.generate().rawValue, "not-a-job", String(repeating: "A", count: 32)] {
                let page = try await staff.get("/workspace/invite/jobs/\(id)")
                #expect(page.status == .notFound && page.text.contains("Upload not found"), "\(id)")
                #expect(try await staff.get("/workspace/invite/jobs/\(id)/report.csv").status == .notFound)
            }
        }
    }

    @Test("bad uploads: not CSV, a header without rows, too many rows, too big (413 with the limit in words)")
    func badUploads() async throws {
        try await withLiveServer { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0xFF, 0xFE, 0x00]
            let cases: [(String, [UInt8], HTTPResponse.Status, String)] = [
                ("a PNG", png, .unprocessableContent, #"id="csv-error""#),
                ("a header only", Array("name,email,phone\n".utf8), .unprocessableContent, "has no patient rows"),
                (
                    "10 001 rows",
                    Array(
                        ("name,email\n" + (1...10_001).map { "P,p\($0)@example.com\n" }.joined()).utf8),
                    .unprocessableContent, "at most 10000 at once"
                ),
                (
                    "past 2 MB", Array(repeating: UInt8(ascii: "a"), count: CSRFMiddleware.uploadLimit + 1),
                    .contentTooLarge, "larger than 2 MB"
                ),
            ]
            for (name, bytes, status, text) in cases {
                let page = try await staff.get("/workspace/invite")
                let answer = try await staff.upload(
                    "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "x.csv", bytes),
                    csrf: page.csrfToken)
                #expect(answer.status == status && answer.text.contains(text), "\(name): \(answer.text.prefix(300))")
            }
            #expect(try WorkspaceInviteTests.emails(server).isEmpty)
        }
    }
}
