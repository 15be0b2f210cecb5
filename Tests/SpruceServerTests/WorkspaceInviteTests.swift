import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

extension Browser {
    /// Posts a `multipart/form-data` form with one file, as a browser's file input sends it.
    func upload(
        _ uri: String, fields: [String: String], file: (name: String, filename: String, bytes: [UInt8]),
        csrf: String?
    ) async throws -> Page {
        let boundary = "----SpruceTest\(UUID().uuidString)"
        var body = ByteBuffer()
        var all = fields
        if let csrf { all["csrf_token"] = csrf }
        for (name, value) in all.sorted(by: { $0.key < $1.key }) {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        body.writeString(
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.name)\"; filename=\"\(file.filename)\"\r\n"
                + "Content-Type: text/csv\r\n\r\n")
        body.writeBytes(file.bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        return try await request(
            uri, method: .post, headers: [.contentType: "multipart/form-data; boundary=\(boundary)"], body: body)
    }
}

@Suite("Inviting patients from the workspace over a live server")
struct WorkspaceInviteTests {
    static func emails(_ server: LiveServer) throws -> [String] {
        let folder = server.outboxFolder.appendingPathComponent("new")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return try names.map {
            String(decoding: try Data(contentsOf: folder.appendingPathComponent($0)), as: UTF8.self)
        }
    }

    @Test(
        "one patient: preview of the email and the text with its segments, then sent through the outbox",
        arguments: ServerTestEngine.all)
    func invitesOne(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            #expect(page.status == .ok && page.text.contains(#"<option value="4827163" selected>"#))
            let form = ["name": "Ana Souza", "email": "ana@example.com", "phone": "", "link": "4827163"]
            var previewForm = form
            previewForm["preview"] = "1"
            let preview = try await staff.post("/workspace/invite", form: previewForm, from: page)
            #expect(preview.status == .ok && preview.text.contains(#"id="email-preview""#))
            #expect(preview.text.contains("Oak Street Pediatrics") && preview.text.contains("GSM-7"))
            #expect(preview.text.contains("segment(s)") && preview.text.contains(#"value="Ana Souza""#))
            #expect(try Self.emails(server).isEmpty)
            let sent = try await staff.post("/workspace/invite", form: form, from: page)
            #expect(
                sent.status == .seeOther && sent.location?.hasPrefix("/workspace/invitations?notice=invited") == true)
            let mails = try Self.emails(server)
            #expect(mails.count == 1 && mails[0].contains("ana@example.com"))
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let record = try #require(try await server.store.invitationRecords(of: oak.id).first)
            #expect(record.invitedBy == oakStaff && record.emailDeliveredAt != nil)
            let list = try await staff.get("/workspace/invitations")
            let resent = try await staff.post(
                "/workspace/invitations/\(record.invitation.id.rawValue)/resend", form: [:], from: list)
            #expect(resent.location == "/workspace/invitations?notice=resent", "\(resent.text)")
            #expect(try Self.emails(server).count == 2)
            let records = try await server.store.invitationRecords(of: oak.id)
            #expect(
                records.count == 2 && records[1].invitation.revokedAt != nil && records[0].invitation.revokedAt == nil)
            let again = try await staff.post("/workspace/invite", form: form, from: page)
            #expect(again.status == .conflict && again.text.contains(#"id="email-error""#))
            #expect(again.text.lowercased().contains("already"))
            let bad = try await staff.post(
                "/workspace/invite", form: ["name": "Bo", "email": "not-an-email", "link": "4827163"], from: page)
            #expect(bad.status == .unprocessableContent && bad.text.contains(#"id="email-error""#))
            #expect(bad.text.contains(#"value="not-an-email""#))
            let foreign = try await staff.post(
                "/workspace/invite", form: ["email": "cy@example.com", "link": "3914805"], from: page)
            #expect(foreign.status == .unprocessableContent && foreign.text.contains(#"id="link-error""#))
            #expect(try Self.emails(server).count == 2)
        }
    }

    @Test(
        "CSV upload: good rows sent, bad rows and duplicates reported by row, a report to download",
        arguments: ServerTestEngine.all)
    func uploadsCSV(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            _ = try await server.store.optOut(address: "gone@example.com")
            let page = try await staff.get("/workspace/invite")
            let csv = """
                \u{FEFF}name,email,phone
                "Souza, Ana",ana@example.com,
                Bo,not-an-email,
                Cy,cy@example.com,+1 415 555 0123
                Ana again,ana@example.com,
                Gone,gone@example.com,
                =1+2,dee@example.com,

                """
            let result = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "patients.csv", Array(csv.utf8)), csrf: page.csrfToken)
            #expect(result.status == .ok, "\(result.text)")
            #expect(result.text.contains("3 sent · 2 skipped · 1 failed"), "\(result.text)")
            #expect(result.text.contains("Souza, Ana") && result.text.contains("result-failed"))
            #expect(result.text.contains(#"download="invitation-report.csv""#))
            let report = try #require(
                result.text.range(of: #"href="data:text/csv;charset=utf-8,"#).map {
                    String(result.text[$0.upperBound...].prefix { $0 != "\"" }).removingPercentEncoding
                })
            let lines = report?.split(separator: "\r\n").map(String.init) ?? []
            #expect(lines.first == InvitationReport.header && lines.count == 7)
            #expect(lines.contains { $0.hasPrefix("3,Bo,not-an-email,,failed") })
            #expect(lines.contains { $0.hasPrefix("7,'=1+2,dee@example.com") })
            #expect(try Self.emails(server).count == 3)
        }
    }

    @Test("uploads: no file, a bad header, a body past the cap (413), no CSRF token", arguments: ServerTestEngine.all)
    func badUploads(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let staff = try await WorkspaceTests.loggedIn(server, oakStaff)
            let page = try await staff.get("/workspace/invite")
            let empty = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "x.csv", []), csrf: page.csrfToken)
            #expect(empty.status == .unprocessableContent && empty.text.contains(#"id="csv-error""#))
            let header = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "x.csv", Array("who,where\nA,B\n".utf8)), csrf: page.csrfToken)
            #expect(header.status == .unprocessableContent && header.text.contains(#"id="csv-error""#))
            let huge = Array(repeating: UInt8(ascii: "a"), count: CSRFMiddleware.uploadLimit + 1)
            let tooLarge = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"], file: ("csv", "x.csv", huge),
                csrf: page.csrfToken)
            #expect(tooLarge.status == .contentTooLarge)
            let forged = try await staff.upload(
                "/workspace/invite/csv", fields: ["link": "4827163"],
                file: ("csv", "x.csv", Array("name,email,phone\nA,a@example.com,\n".utf8)), csrf: "forged")
            #expect(forged.status == .forbidden)
            #expect(try WorkspaceInviteTests.emails(server).isEmpty)
        }
    }
}
