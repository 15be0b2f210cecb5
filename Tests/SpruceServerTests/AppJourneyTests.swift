import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

/// The three app journeys and the abuse run, played by a simulated app (`scripts/app_client.py`, a Python client
/// with a phone's User-Agent for the pages and a bearer token for `/api/app/v1`) against a live server.
@Suite("App journeys with a simulated app", .serialized)
struct AppJourneyTests {
    /// An http public URL, so the browser half's cookies come back over the test's plain http.
    static let publicURL = "http://spruce.test"

    /// Runs one journey of the simulated app and returns its JSON line.
    static func app(_ server: LiveServer, _ journey: String, _ arguments: [String: Any] = [:]) async throws
        -> [String: Any]
    {
        let json = String(decoding: try JSONSerialization.data(withJSONObject: arguments), as: UTF8.self)
        let run = try await runTool(
            ["python3", "scripts/app_client.py", server.baseURL, journey, json], timeout: .seconds(180))
        try #require(run.status == 0, "app_client.py \(journey) (needs python3-requests):\n\(run.output.suffix(3000))")
        let line = run.output.split(separator: "\n").last.map(String.init) ?? ""
        guard let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw FixtureError(description: "app_client.py printed no JSON: \(run.output.suffix(2000))")
        }
        return object
    }

    @Test("iOS: Get the App & Connect, the code claimed in the app, signup verified by the emailed code, connected")
    func iOSJourney() async throws {
        let log = try RequestLogTests.LogFile()
        let secrets = try await withLiveServer(publicURL: Self.publicURL, app: testApp, requestLogSink: log.sink) {
            server in
            let result = try await Self.app(
                server, "ios",
                [
                    "code": "5093318", "practice": "Oak Street Pediatrics", "name": "Ana Souza",
                    "email": "ana@example.com", "outbox": server.outbox,
                ])
            // The address was proven by the code the app read from the outbox.
            #expect(try Mailbox.messages(to: "ana@example.com", in: server.outbox).count == 1)
            // The practice sees the patient in its inbox, with the link's tags.
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let inbox = try await server.store.inbox(of: oak.id)
            let entry = try #require(inbox.entries.first { $0.title == "Ana Souza" })
            #expect(entry.tags.map(\.rawValue).sorted() == ["campaign-fall-2026", "flu-shot"])
            #expect(entry.lastMessage == "Hello from the app")
            // The code works once, also from the store's side.
            let code = try ConnectCode(try #require(result["connectCode"] as? String))
            await #expect(throws: HandoffError.alreadyClaimed) {
                _ = try await server.store.claimHandoff(.code(code), client: "test")
            }
            return [result["connectCode"], result["appToken"], result["continuation"], result["ticket"]]
                .compactMap { $0 as? String }
        }
        let lines = try log.lines()
        // Lines name the route template (JSON escapes its slashes), never a path with a secret in it.
        #expect(lines.contains { $0.contains(#"\/api\/app\/v1\/handoffs\/claim"#) })
        for secret in secrets {
            #expect(
                !lines.contains { $0.contains(secret) || $0.contains(secret.replacingOccurrences(of: "-", with: "")) })
        }
    }

    @Test("Android: the Play Store referrer's token claimed in the app, login with an existing account, connected")
    func androidJourney() async throws {
        let log = try RequestLogTests.LogFile()
        let secrets = try await withLiveServer(publicURL: Self.publicURL, app: testApp, requestLogSink: log.sink) {
            server in
            let (patient, _) = try await server.store.signUpPatient(
                AccountDetails(name: "Bo Lindqvist", email: "bo@example.com", password: "bo's password 1"))
            let result = try await Self.app(
                server, "android", ["code": "4827163", "email": "bo@example.com", "password": "bo's password 1"])
            let conversations = try await server.store.patientConversations(as: .patient(patient.id))
            #expect(conversations.map(\.title) == ["Oak Street Pediatrics"])
            #expect(try await server.store.appSessions(of: patient.id).isEmpty, "logout revokes the token")
            return [result["handoffToken"], result["appToken"]].compactMap { $0 as? String }
        }
        #expect(secrets.count == 2)
        let lines = try log.lines()
        #expect(lines.contains { $0.contains(#"\/api\/app\/v1\/login"#) })
        for secret in secrets { #expect(!lines.contains { $0.contains(secret) }) }
    }

    @Test("an invited patient: the invitation's connect code claimed in the app, the invitation consumed once")
    func invitedJourney() async throws {
        try await withLiveServer(app: testApp) { server in
            let (invitation, token) = try await server.store.invite(
                link: try LinkCode("4827163"),
                recipient: InvitationRecipient(name: "Cleo Park", email: "cleo@example.com"))
            _ = try await Self.app(
                server, "invited",
                [
                    "connectCode": ConnectCode.derived(from: token).formatted, "name": "Cleo Park",
                    "email": "cleo@example.com",
                ])
            let stored = try #require(try await server.store.invitation(digest: invitation.tokenDigest))
            #expect(stored.state(at: Date()) == .accepted)
            // Exactly as on the web: the invitation link itself no longer works.
            let page = try await server.browser().get("/i/\(token.rawValue)")
            #expect(page.status == .gone)
        }
    }

    @Test("abuse: 10 000 random connect codes from 50 addresses are all refused, nearly all throttled")
    func randomCodes() async throws {
        var throttles = Throttles.unlimited
        throttles.handoffClaimsPerClient = RatePolicy(limit: 10, window: 15 * 60)
        throttles.handoffClaimFailures = RatePolicy(limit: 200, window: 60 * 60)
        try await withLiveServer(throttles: throttles, app: testApp) { server in
            let result = try await Self.app(server, "abuse", ["count": 10_000, "clients": 50])
            let statuses = try #require(result["statuses"] as? [String: Int])
            #expect(statuses.values.reduce(0, +) == 10_000)
            #expect(statuses["200"] == nil)
            // Ten looks per address would be 500; the service-wide budget of failures stops them at 200.
            #expect(statuses["404"] == 200)
            #expect(statuses["429"] == 9_800)
            #expect(result["retryAfterMissing"] as? Int == 0)
        }
    }
}
