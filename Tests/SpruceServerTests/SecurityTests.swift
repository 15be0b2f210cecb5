import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Security over HTTP")
struct SecurityTests {
    @Test("CSRF: a missing or wrong token is refused with 403 on every form")
    func csrf() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let page = try await browser.get("/4827163")
            let token = try #require(page.csrfToken)
            for path in ["/4827163/connect", "/login", "/signup", "/logout", "/add-clinic", "/inbox/prompt"] {
                let missing = try await browser.post(path, form: [:])
                #expect(missing.status == .forbidden, "\(path) without a token")
                let wrong = try await browser.post(path, form: [:], csrf: String(token.reversed()))
                #expect(wrong.status == .forbidden, "\(path) with a wrong token")
            }
            // A token from another visitor's cookie does not work either.
            let other = try await server.browser().get("/4827163")
            #expect(try await browser.post("/4827163/connect", form: [:], from: other).status == .forbidden)
            #expect(try await browser.post("/4827163/connect", form: [:], from: page).status == .seeOther)
            // The header works too, for a form posted by script (none ships, but the rule is the same).
            let viaHeader = try await browser.request(
                "/4827163/connect", method: .post, headers: [HTTPField.Name("X-CSRF-Token")!: token])
            #expect(viaHeader.status == .seeOther)

            // After login, forms carry the session's token; the anonymous one stops working.
            try await browser.logIn("sam@riverbendpt.example")
            #expect(try await browser.post("/3914805/connect", form: [:], csrf: token).status == .forbidden)
            let fresh = try await browser.get("/3914805")
            #expect(try await browser.post("/3914805/connect", form: [:], from: fresh).status == .seeOther)
            // Messages and logout need it as well.
            #expect(try await browser.post("/conversations/1/messages", form: ["body": "x"]).status == .forbidden)
        }
    }

    @Test("XSS: clinic name, message and query string come back escaped")
    func escaping() async throws {
        try await withLiveServer { server in
            let evil = "<script>alert('x')</script> \"Clinic\""
            let (organization, link) = try await server.store.createOrganization(
                ClinicProfile(displayName: evil, kind: .clinic, summary: "<img src=x onerror=alert(1)>"))
            let browser = server.browser()
            // Browsers percent-encode these; the hidden attribution field keeps the query as received, escaped.
            let page = try await browser.get(
                "/\(link.code.rawValue)?utm=%3Cscript%3Ealert(2)%3C/script%3E&x=%22%3E%3Cb%3E&y='a'")
            #expect(page.status == .ok)
            #expect(!page.text.contains("<script>"))
            #expect(!page.text.contains("<img src=x"))
            #expect(!page.text.contains("\"><b>"))
            #expect(page.text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &quot;Clinic&quot;"))
            #expect(page.text.contains("&amp;y=&#39;a&#39;\">"))

            // A message with markup, as the practice sees it.
            let member = try await server.store.createMember(
                organizationID: organization.id,
                details: AccountDetails(name: "<b>Evil</b> Staff", email: "evil@evil.example", password: staffPassword))
            let patient = server.browser()
            let signup = try await patient.get(
                try #require(try await patient.connect(via: "/\(link.code.rawValue)").location))
            #expect(!signup.text.contains("<script>"))
            let created = try await patient.signUp(
                form: [
                    "name": "<i>Pat</i>", "email": "pat@example.com", "password": "patient password",
                    "continuation": try #require(signup.hiddenValue("continuation")),
                ], from: signup)
            let thread = try #require(created.location)
            let threadPage = try await patient.get(thread)
            _ = try await patient.post(
                thread + "/messages", form: ["body": "<img src=x onerror=alert(3)>"], from: threadPage)
            let staff = server.browser()
            try await staff.logIn(member.email)
            let inbox = try await staff.get("/inbox")
            let messages = try await staff.get(thread)
            for html in [inbox.text, messages.text] {
                #expect(!html.contains("<img src=x"))
                #expect(!html.contains("<i>Pat</i>"))
                #expect(!html.contains("<b>Evil</b>"))
            }
            #expect(messages.text.contains("&lt;img src=x onerror=alert(3)&gt;"))
            // Escaped where echoed back into a form after an error, too.
            let login = try await browser.get("/login")
            let failed = try await browser.post(
                "/login", form: ["login": "\"><script>x</script>", "password": "wrong password"], from: login)
            #expect(failed.status == .unauthorized)
            #expect(!failed.text.contains("<script>x"))
        }
    }

    @Test(
        "next after login: only a path on this site",
        arguments: [
            ("//evil.example", "/inbox"), ("https://evil.example", "/inbox"), ("/\\evil.example", "/inbox"),
            ("http:evil.example", "/inbox"), ("/contacts", "/contacts"), ("/inbox?tab=clinics", "/inbox?tab=clinics"),
        ])
    func next(next: String, expected: String) async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let response = try await browser.logIn("sam@riverbendpt.example", next: next)
            #expect(response.status == .seeOther)
            #expect(response.location == expected)
        }
    }

    @Test("session fixation: the id changes at login, logout deletes it, the old id is dead")
    func sessions() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            try await browser.logIn("sam@riverbendpt.example")
            let first = try #require(browser.cookies["spruce_session"])
            #expect(try await browser.get("/inbox").status == .ok)
            // Logging in again (say as someone else on a shared computer) replaces the id and kills the old one.
            try await browser.logIn("sam@riverbendpt.example")
            let second = try #require(browser.cookies["spruce_session"])
            #expect(first != second)
            let stale = server.browser()
            stale.setCookie("spruce_session", first)
            let redirected = try await stale.get("/inbox")
            #expect(redirected.status == .seeOther)
            #expect(redirected.location == "/login?next=%2Finbox")
            // A planted id is never adopted: login issues its own.
            let planted = server.browser()
            planted.setCookie("spruce_session", String(repeating: "A", count: 43))
            try await planted.logIn("sam@riverbendpt.example")
            #expect(planted.cookies["spruce_session"] != String(repeating: "A", count: 43))
            // Only the digest is stored.
            #expect(try await server.store.session(try #require(SessionToken(second))) != nil)
            let inbox = try await browser.get("/inbox")
            let logout = try await browser.post("/logout", form: [:], from: inbox)
            #expect(logout.status == .seeOther)
            #expect(logout.setCookies.contains { $0.hasPrefix("spruce_session=;") && $0.contains("Max-Age=0") })
            #expect(try await server.store.session(try #require(SessionToken(second))) == nil)
            let after = server.browser()
            after.setCookie("spruce_session", second)
            #expect(try await after.get("/inbox").status == .seeOther)
        }
    }

    @Test("authorization holds over HTTP: threads of others are 404, pages by role")
    func authorization() async throws {
        try await withLiveServer { server in
            let ada = server.browser()
            let signup = try await ada.get(try #require(try await ada.connect(via: "/4827163").location))
            let created = try await ada.signUp(
                form: [
                    "name": "Ada", "email": "ada@example.com", "password": "patient password",
                    "continuation": try #require(signup.hiddenValue("continuation")),
                ], from: signup)
            let adaThread = try #require(created.location)

            let bob = server.browser()
            let bobSignup = try await bob.get("/signup")
            _ = try await bob.signUp(
                form: ["name": "Bob", "email": "bob@example.com", "password": "patient password"],
                from: bobSignup)
            #expect(try await bob.get(adaThread).status == .notFound)
            #expect(try await bob.get("/conversations/999999").status == .notFound)
            #expect(try await bob.get("/inbox").status == .forbidden)
            let bobPage = try await bob.get("/care")
            #expect(
                try await bob.post(adaThread + "/messages", form: ["body": "hi"], from: bobPage).status == .notFound)

            let sam = server.browser()
            try await sam.logIn("sam@riverbendpt.example")
            #expect(try await sam.get(adaThread).status == .notFound)
            #expect(try await sam.get("/care").status == .forbidden)

            let anonymous = server.browser()
            for path in ["/inbox", "/contacts", "/care", adaThread] {
                let page = try await anonymous.get(path)
                #expect(page.status == .seeOther, "\(path)")
                #expect(page.location?.hasPrefix("/login?next=") == true)
            }
            let maya = server.browser()
            try await maya.logIn("maya.chen@oakstreetpeds.example")
            #expect(try await maya.get(adaThread).status == .ok)
        }
    }

    static func throttles(
        loginPerClient: Int = 10_000, loginPerAccountAndClient: Int = 10_000, signupsPerClient: Int = 10_000
    ) -> Throttles {
        var throttles = Throttles.unlimited
        throttles.loginFailuresPerClient = RatePolicy(limit: loginPerClient, window: 900)
        throttles.loginFailuresPerAccountAndClient = RatePolicy(limit: loginPerAccountAndClient, window: 900)
        throttles.loginFailuresPerAccount = RatePolicy(limit: 20, window: 3600, growingDelay: .init())
        throttles.signupsPerClient = RatePolicy(limit: signupsPerClient, window: 900)
        return throttles
    }

    @Test("failed logins are limited per account and client, signups per client, with a 429 page")
    func rateLimits() async throws {
        try await withLiveServer(throttles: Self.throttles(loginPerAccountAndClient: 3, signupsPerClient: 2)) {
            server in
            let browser = server.browser()
            for _ in 0..<3 {
                #expect(
                    try await browser.logIn("sam@riverbendpt.example", password: "wrong password").status
                        == .unauthorized)
            }
            let limited = try await browser.logIn("sam@riverbendpt.example")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.text.contains("Too many attempts"))
            #expect(limited.text.contains("failed logins for this account from this address"))
            // The window started at the first failure: what is left of its 15 minutes.
            let retryAfter = try #require(limited.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...900).contains(retryAfter))
            // Another account from the same address is not blocked by this one's cap.
            #expect(try await browser.logIn("priya.raman@lumenderm.example").status == .seeOther)

            for index in 0..<2 {
                let visitor = server.browser()
                let page = try await visitor.get("/signup")
                let created = try await visitor.post(
                    "/signup",
                    form: ["name": "P\(index)", "email": "p\(index)@example.com", "password": "patient password"],
                    from: page)
                #expect(created.status == .ok)
                #expect(created.text.contains("We sent a code to"))
            }
            let signupBrowser = server.browser()
            let page = try await signupBrowser.get("/signup")
            let blocked = try await signupBrowser.post(
                "/signup", form: ["name": "P", "email": "p@example.com", "password": "patient password"], from: page)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("signups from this address"))
        }
    }

    @Test("ten wrong passwords from 127.0.0.2 do not stop the owner logging in from 127.0.0.3")
    func ownerOnAnotherClient() async throws {
        try await withLiveServer(throttles: Self.throttles(loginPerClient: 30, loginPerAccountAndClient: 5)) { server in
            let attacker = AddressedBrowser(port: server.port, from: "127.0.0.2")
            var statuses: [Int] = []
            for _ in 0..<10 {
                statuses.append(try await attacker.logIn("sam@riverbendpt.example", password: "wrong password").status)
            }
            #expect(statuses == Array(repeating: 401, count: 5) + Array(repeating: 429, count: 5))
            #expect(try await attacker.logIn("sam@riverbendpt.example", password: staffPassword).status == 429)
            let owner = AddressedBrowser(port: server.port, from: "127.0.0.3")
            let loggedIn = try await owner.logIn("Sam@RiverbendPT.example", password: staffPassword)
            #expect(loggedIn.status == 303)
            #expect(loggedIn.header("Location") == "/inbox")
        }
    }

    @Test("a flood of anonymous Connect clicks does not spend the practice's cap: a real patient still connects")
    func anonymousClicksSpareThePracticeCap() async throws {
        var throttles = Throttles.unlimited
        throttles.connectsPerOrganization = RatePolicy(limit: 2, window: 900)
        throttles.connectsPerVisitor = RatePolicy(limit: 100, window: 900)
        try await withLiveServer(throttles: throttles) { server in
            let flooder = server.browser()
            for _ in 0..<10 {
                let click = try await flooder.connect(via: "/5093318")
                #expect(click.status == .seeOther)
                #expect(click.location?.hasPrefix("/signup?continuation=") == true)
            }
            let patient = server.browser()
            let signup = try await patient.get(try #require(try await patient.connect(via: "/5093318").location))
            let created = try await patient.signUp(
                form: [
                    "name": "Ada Lovelace", "email": "ada@example.com", "password": "patient password",
                    "continuation": try #require(signup.hiddenValue("continuation")),
                ],
                from: signup)
            #expect(created.status == .seeOther)
            #expect(created.location?.hasPrefix("/conversations/") == true)
        }
    }

    @Test("+15551234567, +1 555 123 4567 and +1-555-123-4567 share one budget over HTTP")
    func phoneSpellingsOverHTTP() async throws {
        try await withLiveServer(throttles: Self.throttles(loginPerClient: 30, loginPerAccountAndClient: 3)) { server in
            let client = AddressedBrowser(port: server.port, from: "127.0.0.4")
            var statuses: [Int] = []
            for spelling in ["+15551234567", "+1 555 123 4567", "+1-555-123-4567", "+1 (555) 123-4567"] {
                statuses.append(try await client.logIn(spelling, password: "wrong password").status)
            }
            #expect(statuses == [401, 401, 401, 429])
        }
    }

    /// Signs a new patient up, the request saying it was forwarded for `forwardedFor`; returns the final status.
    func signUp(_ server: LiveServer, _ index: Int, forwardedFor: String) async throws -> HTTPResponse.Status {
        let visitor = server.browser()
        let page = try await visitor.get("/signup")
        return try await visitor.post(
            "/signup", form: ["name": "P\(index)", "email": "p\(index)@example.com", "password": "patient password"],
            from: page, headers: [HTTPField.Name("X-Forwarded-For")!: forwardedFor]
        ).status
    }

    @Test("behind a trusted proxy the signup cap counts the forwarded client address, not the proxy's")
    func trustedProxy() async throws {
        try await withLiveServer(throttles: Self.throttles(signupsPerClient: 2), trustedProxies: ["127.0.0.1"]) {
            server async throws in
            #expect(try await signUp(server, 0, forwardedFor: "203.0.113.7") == .ok)
            // A client's own forged entry on the left is ignored: the proxy appended the real address.
            #expect(try await signUp(server, 1, forwardedFor: "198.51.100.1, 203.0.113.7") == .ok)
            #expect(try await signUp(server, 2, forwardedFor: "203.0.113.7") == .tooManyRequests)
            #expect(try await signUp(server, 3, forwardedFor: "198.51.100.9") == .ok)
        }
    }

    @Test("without a trusted proxy X-Forwarded-For is ignored: a client cannot dodge the cap by forging it")
    func untrustedForwardedFor() async throws {
        try await withLiveServer(throttles: Self.throttles(signupsPerClient: 2)) { server async throws in
            #expect(try await signUp(server, 0, forwardedFor: "203.0.113.1") == .ok)
            #expect(try await signUp(server, 1, forwardedFor: "203.0.113.2") == .ok)
            #expect(try await signUp(server, 2, forwardedFor: "203.0.113.3") == .tooManyRequests)
        }
    }

    @Test(
        "the client address behind trusted proxies",
        arguments: [
            ("10.0.0.5", ["203.0.113.7"], "10.0.0.5"),  // the peer is no trusted proxy: the header is ignored
            ("127.0.0.1", ["203.0.113.7"], "203.0.113.7"),
            ("127.0.0.1", ["198.51.100.1, 203.0.113.7"], "203.0.113.7"),
            ("127.0.0.1", ["203.0.113.7, 10.0.0.2"], "203.0.113.7"),  // 10.0.0.2 is a trusted proxy too
            ("127.0.0.1", ["203.0.113.7", "10.0.0.2"], "203.0.113.7"),  // several header lines
            ("127.0.0.1", ["2001:db8::1"], "2001:db8::1"),
            ("127.0.0.1", [], "127.0.0.1"),
            ("127.0.0.1", ["10.0.0.2"], "127.0.0.1"),
            ("127.0.0.1", ["<script>"], "127.0.0.1"),  // malformed: the header is worthless
            ("127.0.0.1", ["203.0.113.7, unknown"], "127.0.0.1"),
        ] as [(String, [String], String)])
    func clientAddress(peer: String, forwardedFor: [String], expected: String) {
        #expect(
            ClientAddress.resolve(peer: peer, forwardedFor: forwardedFor, trustedProxies: ["127.0.0.1", "10.0.0.2"])
                == expected)
    }

    @Test("per-address cap on failed logins, whatever the account")
    func addressCap() async throws {
        try await withLiveServer(throttles: Self.throttles(loginPerClient: 2)) { server in
            let browser = server.browser()
            _ = try await browser.logIn("a@example.com", password: "wrong password")
            _ = try await browser.logIn("b@example.com", password: "wrong password")
            let blocked = try await browser.logIn("c@example.com", password: "wrong password")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("failed logins from this address"))
        }
    }
}
