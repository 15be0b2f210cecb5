import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

let iPhoneAgent =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148"
let androidAgent = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"
let desktopAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"

extension Page {
    /// The connect code shown on a handoff page, `XXXX-XXXX`.
    var connectCode: String? {
        guard let match = text.firstMatch(of: /id="connect-code">([2-9A-Z]{4}-[2-9A-Z]{4})</) else { return nil }
        return String(match.output.1)
    }

    /// The handoff token in the page's universal link `/h/<token>`.
    var handoffToken: String? {
        guard let match = text.firstMatch(of: /\/h\/([A-Za-z0-9_-]{22})"/) else { return nil }
        return String(match.output.1)
    }
}

@Suite("App offer on profile and invitation pages")
struct AppPageTests {
    static func agent(_ value: String) -> HTTPFields { [.userAgent: value] }

    @Test("desktop browsers, and phones without an app, get today's page")
    func unchanged() async throws {
        try await withLiveServer(app: testApp) { server in
            let page = try await server.browser().get("/4827163", headers: Self.agent(desktopAgent))
            #expect(page.status == .ok)
            #expect(page.text.contains("Connect with Oak Street Pediatrics"))
            #expect(!page.text.contains("get-app") && !page.text.contains("Open in the app"))
        }
        try await withLiveServer { server in
            let browser = server.browser()
            let page = try await browser.get("/4827163", headers: Self.agent(iPhoneAgent))
            #expect(page.text.contains("Connect with Oak Street Pediatrics"))
            #expect(!page.text.contains("get-app"))
            #expect(try await browser.post("/4827163/app", form: [:], from: page).status == .notFound)
        }
    }

    @Test("an iPhone gets Open in the app, Get the App & Connect and Continue in the browser; the code is shown")
    func iPhone() async throws {
        try await withLiveServer(app: testApp) { server in
            let browser = server.browser()
            let page = try await browser.get("/4827163", headers: Self.agent(iPhoneAgent))
            #expect(page.text.contains("id=\"get-app\">Get the App &amp; Connect</button>"))
            #expect(page.text.contains("<a href=\"https://spruce.care/4827163\" id=\"open-app\">Open in the app</a>"))
            #expect(page.text.contains("opens Spruce when it is installed"))
            #expect(page.text.contains("id=\"connect\">Continue in the browser</button>"))
            let refused = try await browser.post(
                "/4827163/app", form: [:], csrf: "forged", headers: Self.agent(iPhoneAgent))
            #expect(refused.status == .forbidden)
            let handoff = try await browser.post(
                "/4827163/app", form: [:], from: page, headers: Self.agent(iPhoneAgent))
            #expect(handoff.status == .ok)
            #expect(handoff.headers[.cacheControl] == "no-store")
            let code = try #require(handoff.connectCode)
            #expect(handoff.text.contains("If the app asks, enter this code"))
            #expect(handoff.text.contains("href=\"https://apps.apple.com/app/spruce/id1234567890\""))
            #expect(!handoff.text.contains("play.google.com"))
            let claim = try await server.store.claimHandoff(.code(try ConnectCode(code)), client: "app")
            #expect(claim.code.rawValue == "4827163")
        }
    }

    @Test("an Android phone gets the Play Store link carrying the handoff token; /h/{token} shows it until claimed")
    func android() async throws {
        try await withLiveServer(app: testApp) { server in
            let browser = server.browser()
            let page = try await browser.get("/4827163", headers: Self.agent(androidAgent))
            let handoff = try await browser.post(
                "/4827163/app", form: [:], from: page, headers: Self.agent(androidAgent))
            let token = try #require(handoff.handoffToken)
            #expect(
                handoff.text.contains(
                    "href=\"https://play.google.com/store/apps/details?id=care.spruce.app&amp;referrer=spruce_handoff%3D\(token)\""
                ))
            #expect(!handoff.text.contains("apps.apple.com"))
            let landing = try await browser.get("/h/\(token)", headers: Self.agent(androidAgent))
            #expect(landing.status == .ok)
            #expect(landing.text.contains("Oak Street Pediatrics") && landing.text.contains("referrer=spruce_handoff"))
            _ = try await server.store.claimHandoff(.token(try HandoffToken(token)), client: "app")
            #expect(try await browser.get("/h/\(token)").status == .conflict)
            #expect(try await browser.get("/h/\(HandoffToken.generate().rawValue)").status == .notFound)
            #expect(try await browser.get("/h/short").status == .notFound)
        }
    }

    @Test("an invitation page on a phone makes a handoff bound to the invitation")
    func invitation() async throws {
        try await withLiveServer(app: testApp) { server in
            let (_, token) = try await server.store.invite(
                link: try LinkCode("4827163"), recipient: InvitationRecipient(name: "Ana", email: "ana@example.com"))
            let browser = server.browser()
            let page = try await browser.get("/i/\(token.rawValue)", headers: Self.agent(iPhoneAgent))
            #expect(page.text.contains("action=\"/i/\(token.rawValue)/app\""))
            #expect(page.text.contains("href=\"https://spruce.care/i/\(token.rawValue)\" id=\"open-app\""))
            let handoff = try await browser.post(
                "/i/\(token.rawValue)/app", form: [:], from: page, headers: Self.agent(iPhoneAgent))
            let code = try #require(handoff.connectCode)
            let claim = try await server.store.claimHandoff(.code(try ConnectCode(code)), client: "app")
            #expect(claim.isInvitation)
        }
    }
}
