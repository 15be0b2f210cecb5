import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("App API: refusals, tokens and authorization")
struct AppAPITests {
    static func post(_ server: LiveServer, _ path: String, _ body: String, token: String? = nil) async throws -> Page {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        return try await server.browser().request(
            "/api/app/v1" + path, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    static func get(_ server: LiveServer, _ path: String, token: String?, cookie: String? = nil) async throws -> Page {
        var headers: HTTPFields = [:]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let cookie { headers[.cookie] = cookie }
        return try await server.browser().get("/api/app/v1" + path, headers: headers)
    }

    /// Signs up through the app as a patient does: the code is read from the outbox and verified.
    /// - Returns: the answer to `/signup/verify` (200 with the token when it worked).
    static func signUp(_ server: LiveServer, _ body: String, address: String) async throws -> Page {
        let started = try await post(server, "/signup", body)
        try #require(started.status == .accepted, "\(started.status) \(started.text)")
        let ticket = try #require(try jsonObject(started)["ticket"] as? String)
        let code = try Mailbox.latestCode(to: address, in: server.outbox)
        return try await post(server, "/signup/verify", #"{"ticket":"\#(ticket)","code":"\#(code)"}"#)
    }

    static func problemType(_ page: Page) throws -> String {
        #expect(page.headers[.contentType] == "application/problem+json", "\(page.status) \(page.text)")
        return (try jsonObject(page)["type"] as? String ?? "").split(separator: "/").last.map(String.init) ?? ""
    }

    @Test("claims: unknown, claimed twice, expired and malformed are distinct problems")
    func claimRefusals() async throws {
        try await withLiveServer(app: testApp) { server in
            let code = try LinkCode("4827163")
            let (expired, _) = try await server.store.createHandoff(
                via: .practice(code), client: "x", at: Date(timeIntervalSinceNow: -Handoff.defaultLifetime - 60))
            let (live, _) = try await server.store.createHandoff(via: .practice(code), client: "x")
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"code":"\#(ConnectCode.generate().formatted)"}"#, .notFound, "handoff-unknown"),
                (#"{"token":"\#(expired.token.rawValue)"}"#, .gone, "handoff-expired"),
                (#"{"token":"\#(live.token.rawValue)"}"#, .ok, ""),
                (#"{"code":"\#(live.code.formatted)"}"#, .conflict, "handoff-claimed"),
                (#"{"code":"K7QX-M4P0"}"#, .unprocessableContent, "invalid-field"),
                (#"{"token":"short"}"#, .unprocessableContent, "invalid-field"),
                (#"{}"#, .unprocessableContent, "invalid-field"),
                (#"{"token":"\#(live.token.rawValue)","code":"K7QX-M4PT"}"#, .unprocessableContent, "invalid-field"),
                (#"{"code":5}"#, .unprocessableContent, "invalid-field"),
                ("not json", .badRequest, "invalid-request"),
            ]
            for (body, status, type) in cases {
                let page = try await Self.post(server, "/handoffs/claim", body)
                #expect(page.status == status, "\(body): \(page.text)")
                if !type.isEmpty { #expect(try Self.problemType(page) == type, "\(body)") }
            }
        }
    }

    @Test("the bearer token is an app session: cookies and organization keys are refused, logout revokes")
    func tokens() async throws {
        try await withLiveServer(app: testApp) { server in
            let signup = try await Self.signUp(
                server, #"{"name":"Ana Souza","email":"ana@example.com","password":"patient password 1"}"#,
                address: "ana@example.com")
            #expect(signup.status == .ok)
            #expect(signup.setCookies.isEmpty)
            let token = try #require(try jsonObject(signup)["token"] as? String)
            #expect(token.hasPrefix("spa_"))
            #expect(try await Self.get(server, "/conversations", token: token).status == .ok)
            // A logged-in browser's session cookie is no credential here.
            let browser = server.browser()
            _ = try await browser.logIn("ana@example.com", password: "patient password 1")
            let cookie = browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")
            let withCookie = try await Self.get(server, "/conversations", token: nil, cookie: cookie)
            #expect(withCookie.status == .unauthorized)
            #expect(try Self.problemType(withCookie) == "app-token-required")
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id)
            #expect(try await Self.get(server, "/conversations", token: key).status == .unauthorized)
            // Members cannot log in to the app's API.
            let member = try await Self.post(
                server, "/login", #"{"login":"maya.chen@oakstreetpeds.example","password":"\#(staffPassword)"}"#)
            #expect(member.status == .forbidden)
            let wrong = try await Self.post(server, "/login", #"{"login":"ana@example.com","password":"nope"}"#)
            #expect(wrong.status == .unauthorized)
            // A second device, listed; the first signs it out.
            let login = try await Self.post(
                server, "/login",
                #"{"login":"ana@example.com","password":"patient password 1","device":"Ana's iPad"}"#)
            let second = try #require(try jsonObject(login)["token"] as? String)
            let list = try jsonObject(try await Self.get(server, "/sessions", token: token))
            let sessions = try #require(list["sessions"] as? [[String: Any]])
            #expect(sessions.count == 2)
            let ipad = try #require(sessions.first { $0["device"] as? String == "Ana's iPad" }?["id"] as? Int)
            #expect(try await Self.post(server, "/sessions/\(ipad)/revoke", "", token: token).status == .noContent)
            #expect(try await Self.get(server, "/conversations", token: second).status == .unauthorized)
            #expect(try await Self.post(server, "/sessions/\(ipad)/revoke", "", token: token).status == .notFound)
            #expect(try await Self.post(server, "/logout", "", token: token).status == .noContent)
            #expect(try await Self.get(server, "/conversations", token: token).status == .unauthorized)
        }
    }

    @Test("another patient's conversation answers 404, as one that does not exist; connect refuses bad links")
    func authorization() async throws {
        try await withLiveServer(app: testApp) { server in
            func signUp(_ email: String) async throws -> String {
                let continuation = try await server.store.connect(
                    visitor: .anonymous, via: .practice(try LinkCode("4827163")))
                guard case .signupRequired(let text, _) = continuation else { throw FixtureError(description: "") }
                let page = try await Self.signUp(
                    server,
                    #"{"name":"P","email":"\#(email)","password":"patient password 1","continuation":"\#(text)"}"#,
                    address: email)
                return try #require(try jsonObject(page)["token"] as? String)
            }
            let ana = try await signUp("ana@example.com")
            let bo = try await signUp("bo@example.com")
            let list = try jsonObject(try await Self.get(server, "/conversations", token: ana))
            let id = try #require((list["conversations"] as? [[String: Any]])?.first?["id"] as? Int)
            #expect(try await Self.get(server, "/conversations/\(id)/messages", token: bo).status == .notFound)
            #expect(
                try await Self.post(server, "/conversations/\(id)/messages", #"{"body":"hi"}"#, token: bo).status
                    == .notFound)
            #expect(try await Self.get(server, "/conversations/999999/messages", token: ana).status == .notFound)
            #expect(
                try await Self.get(server, "/conversations/\(id)/messages?limit=0", token: ana).status == .badRequest)
            #expect(try await Self.get(server, "/conversations?after=x", token: ana).status == .badRequest)
            let empty = try await Self.post(server, "/conversations/\(id)/messages", #"{"body":""}"#, token: ana)
            #expect(empty.status == .unprocessableContent)
            let unknown = try await Self.post(
                server, "/connect", #"{"link":"https://spruce.care/1000001"}"#, token: ana)
            #expect(unknown.status == .notFound)
            let foreign = try await Self.post(
                server, "/connect", #"{"link":"https://example.com/4827163"}"#, token: ana)
            #expect(foreign.status == .unprocessableContent)
            let spent = try await Self.post(server, "/connect", #"{"continuation":"forged"}"#, token: ana)
            #expect(spent.status == .badRequest)
        }
    }

    @Test("every app request counts against its client")
    func requestLimit() async throws {
        var throttles = Throttles.unlimited
        throttles.appRequestsPerClient = RatePolicy(limit: 3, window: 60)
        try await withLiveServer(throttles: throttles, app: testApp) { server in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<5 { statuses.append(try await Self.get(server, "/sessions", token: nil).status) }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
        }
    }
}
