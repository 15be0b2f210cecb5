import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

/// App signup goes through the web's verification: a code to the address, the same answer for a taken address,
/// bounded tries, single-use tickets. Over HTTP against a live server, codes read from its outbox.
@Suite("App API: signup with a verified address")
struct AppSignupTests {
    static let address = "owner@example.com"
    static let body = #"{"name":"Someone","email":"owner@example.com","password":"another password"}"#

    static func post(_ server: LiveServer, _ path: String, _ body: String) async throws -> Page {
        try await AppAPITests.post(server, path, body)
    }

    static func ticket(_ page: Page) throws -> String {
        try #require(try jsonObject(page)["ticket"] as? String)
    }

    /// Status, headers (but `Date`) and the body with the ticket blanked.
    static func shape(_ page: Page) -> String {
        let text = page.text.replacing(#/"ticket":"[^"]*"/#, with: #""ticket":"TICKET""#)
        let headers = page.headers.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }
            .sorted().joined(separator: "\n")
        return "\(page.status.code)\n\(headers)\n\(text)"
    }

    @Test("a taken address and a new one get the same answer apart from the ticket; the owner is told, not sent a code")
    func enumeration() async throws {
        let taken = try await withLiveServer(app: testApp) { server in
            let (owner, _) = try await server.store.signUpPatient(
                AccountDetails(name: "Owner", email: Self.address, password: "owner password"))
            let page = try await Self.post(server, "/signup", Self.body)
            let mail = try Mailbox.messages(to: Self.address, in: server.outbox)
            #expect(mail.count == 1)
            #expect(mail.first?.contains("Someone tried to sign up") == true)
            #expect(mail.first.map { $0.firstMatch(of: /verification code is/) == nil } == true)
            // The ticket leads nowhere: no code can finish it, and the owner's account is unchanged.
            let ticket = try Self.ticket(page)
            for code in ["000000", "123456"] {
                let verify = try await Self.post(
                    server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(code)"}"#)
                #expect(verify.status == .unprocessableContent)
            }
            let stored = try #require(try await server.store.patient(id: owner.id))
            #expect(stored.name == "Owner")
            return Self.shape(page)
        }
        let new = try await withLiveServer(app: testApp) { server in
            let page = try await Self.post(server, "/signup", Self.body)
            #expect(try Mailbox.messages(to: Self.address, in: server.outbox).count == 1)
            #expect(try Mailbox.latestCode(to: Self.address, in: server.outbox).count == 6)
            return Self.shape(page)
        }
        #expect(taken == new)
        #expect(new.hasPrefix("202\n"))
        #expect(new.contains(#""sentTo":"owner@example.com""#))
    }

    @Test("five wrong codes spend the code: the right one is then refused, a resent code works")
    func wrongCodes() async throws {
        var throttles = Throttles.unlimited
        throttles.resendsPerRequest = Throttles().resendsPerRequest
        try await withLiveServer(throttles: throttles, app: testApp) { server in
            let started = try await Self.post(server, "/signup", Self.body)
            #expect(started.status == .accepted)
            let ticket = try Self.ticket(started)
            let right = try Mailbox.latestCode(to: Self.address, in: server.outbox)
            let wrong = right == "000000" ? "111111" : "000000"
            var answers: [(HTTPResponse.Status, String)] = []
            for _ in 0..<5 {
                let page = try await Self.post(server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(wrong)"}"#)
                answers.append((page.status, try AppAPITests.problemType(page)))
            }
            #expect(answers.map(\.0) == Array(repeating: .unprocessableContent, count: 4) + [.gone])
            #expect(answers.map(\.1) == Array(repeating: "code-wrong", count: 4) + ["code-too-many-tries"])
            let refused = try await Self.post(server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(right)"}"#)
            #expect(refused.status == .gone)
            #expect(try AppAPITests.problemType(refused) == "code-too-many-tries")
            #expect(try jsonObject(refused)["token"] == nil)

            let resent = try await Self.post(server, "/signup/resend", #"{"ticket":"\#(ticket)"}"#)
            #expect(resent.status == .accepted)
            #expect(try Self.ticket(resent) == ticket)
            let again = try await Self.post(server, "/signup/resend", #"{"ticket":"\#(ticket)"}"#)
            #expect(again.status == .tooManyRequests, "one new code a minute")
            #expect(again.headers[.retryAfter] != nil)
            let code = try Mailbox.latestCode(to: Self.address, in: server.outbox)
            let verified = try await Self.post(
                server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(code)","device":"Pixel 8"}"#)
            #expect(verified.status == .ok, "\(verified.text)")
            #expect((try jsonObject(verified)["token"] as? String)?.hasPrefix("spa_") == true)
        }
    }

    @Test("a used ticket, an unknown one and malformed fields are refused as distinct problems")
    func replayAndMalformed() async throws {
        try await withLiveServer(app: testApp) { server in
            let ticket = try Self.ticket(try await Self.post(server, "/signup", Self.body))
            let code = try Mailbox.latestCode(to: Self.address, in: server.outbox)
            let body = #"{"ticket":"\#(ticket)","code":"\#(code)"}"#
            let first = try await Self.post(server, "/signup/verify", body)
            #expect(first.status == .ok, "\(first.text)")
            let cases: [(String, String, HTTPResponse.Status, String)] = [
                ("/signup/verify", body, .notFound, "ticket-unknown"),
                ("/signup/resend", #"{"ticket":"\#(ticket)"}"#, .notFound, "ticket-unknown"),
                (
                    "/signup/verify", #"{"ticket":"\#(String(repeating: "A", count: 43))","code":"123456"}"#, .notFound,
                    "ticket-unknown"
                ),
                ("/signup/verify", #"{"ticket":"\#(ticket)","code":"12ab56"}"#, .unprocessableContent, "invalid-field"),
                (
                    "/signup/verify", #"{"ticket":"\#(String(repeating: "A", count: 65))","code":"123456"}"#,
                    .unprocessableContent, "invalid-field"
                ),
                ("/signup/verify", #"{"code":"123456"}"#, .unprocessableContent, "invalid-field"),
                ("/signup/resend", "{}", .unprocessableContent, "invalid-field"),
            ]
            for (path, body, status, type) in cases {
                let page = try await Self.post(server, path, body)
                #expect(page.status == status, "\(path) \(body): \(page.text)")
                #expect(try AppAPITests.problemType(page) == type, "\(path) \(body)")
            }
            // The replay created nothing: one account, one session.
            let login = try await Self.post(
                server, "/login", #"{"login":"owner@example.com","password":"another password"}"#)
            #expect(login.status == .ok)
        }
    }

    @Test("a code older than ten minutes is refused as expired, and a resent one works")
    func expired() async throws {
        try await withLiveServer(app: testApp) { server in
            let ticket = try Self.ticket(try await Self.post(server, "/signup", Self.body))
            let code = try Mailbox.latestCode(to: Self.address, in: server.outbox)
            // Ages the code as ten minutes would, in the server's own SQLite file (next to its outbox).
            let database = URL(fileURLWithPath: server.outbox).deletingLastPathComponent()
                .appendingPathComponent("test.sqlite").path
            let aged = try await runTool([
                "python3", "-c",
                "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], timeout=10); "
                    + "c.execute('UPDATE account_codes SET expires_at = 0'); c.commit()",
                database,
            ])
            try #require(aged.status == 0, "\(aged.output)")
            let page = try await Self.post(server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(code)"}"#)
            #expect(page.status == .gone)
            #expect(try AppAPITests.problemType(page) == "code-expired")
            #expect(try await Self.post(server, "/signup/resend", #"{"ticket":"\#(ticket)"}"#).status == .accepted)
            let renewed = try Mailbox.latestCode(to: Self.address, in: server.outbox)
            let verified = try await Self.post(
                server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(renewed)"}"#)
            #expect(verified.status == .ok, "\(verified.text)")
        }
    }

    @Test("app signups count against the client as web signups do")
    func signupLimit() async throws {
        var throttles = Throttles.unlimited
        throttles.signupsPerClient = RatePolicy(limit: 2, window: 15 * 60)
        try await withLiveServer(throttles: throttles, app: testApp) { server in
            var statuses: [HTTPResponse.Status] = []
            for index in 0..<3 {
                let body = #"{"name":"P","email":"p\#(index)@example.com","password":"patient password 1"}"#
                statuses.append(try await Self.post(server, "/signup", body).status)
            }
            #expect(statuses == [.accepted, .accepted, .tooManyRequests])
        }
    }
}
