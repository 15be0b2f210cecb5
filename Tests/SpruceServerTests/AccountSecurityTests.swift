import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

/// Verified signup, enumeration, password reset and sessions, over HTTP against a live server, reading codes from
/// the outbox the server delivers to.
@Suite("Accounts over HTTP: verification, enumeration, recovery, sessions")
struct AccountSecurityTests {
    static let patientForm = ["name": "Ada Lovelace", "email": "ada@example.com", "password": "patient password"]

    /// Posts the signup form and returns the code page.
    static func codePage(_ browser: Browser, form: [String: String] = patientForm) async throws -> Page {
        let page = try await browser.get("/signup")
        let sent = try await browser.post("/signup", form: form, from: page)
        #expect(sent.status == .ok, "\(sent.text)")
        return sent
    }

    @Test("through a practice link: code page, emailed code, verified, logged in and connected")
    func happyPath() async throws {
        try await withLiveServer { server in
            let patient = server.browser()
            let signup = try await patient.get(try #require(try await patient.connect(via: "/4827163").location))
            let continuation = try #require(signup.hiddenValue("continuation"))
            var form = Self.patientForm
            form["continuation"] = continuation
            let sent = try await patient.post("/signup", form: form, from: signup)
            #expect(sent.status == .ok)
            #expect(sent.text.contains("We sent a code to <strong>ada@example.com</strong>"))
            #expect(sent.headers[.cacheControl] == "no-store")
            #expect(!sent.setCookies.contains { $0.hasPrefix("spruce_session=") })
            // Not yet an account anyone can log in to.
            #expect(
                try await server.browser().logIn("ada@example.com", password: "patient password").status
                    == .unauthorized)
            let email = try #require(try Mailbox.messages(to: "ada@example.com", in: server.outbox).last)
            #expect(email.contains("Subject: Your Spruce verification code"))
            let code = try Mailbox.latestCode(to: "ada@example.com", in: server.outbox)
            let verified = try await patient.post(
                "/signup/verify", form: ["ticket": try #require(sent.hiddenValue("ticket")), "code": code], from: sent)
            #expect(verified.status == .seeOther)
            #expect(verified.location?.hasPrefix("/conversations/") == true)
            #expect(verified.setCookies.contains { $0.hasPrefix("spruce_session=") })
            #expect(try await patient.follow(verified).text.contains("Oak Street Pediatrics"))
            #expect(try await server.store.patient(email: "ada@example.com")?.hasSecureAccount == true)
        }
    }

    @Test("a code by text for a mobile number")
    func byText() async throws {
        try await withLiveServer { server in
            let patient = server.browser()
            let sent = try await Self.codePage(
                patient, form: ["name": "Ada", "phone": "+1 217 555 0100", "password": "patient password"])
            #expect(sent.text.contains("We sent a code to <strong>+12175550100</strong>"))
            let code = try Mailbox.latestCode(to: "+12175550100", in: server.outbox)
            let verified = try await patient.post(
                "/signup/verify", form: ["ticket": try #require(sent.hiddenValue("ticket")), "code": code], from: sent)
            #expect(verified.location == "/care")
        }
    }

    @Test("five wrong codes: each says how many tries are left, then even the right code is refused")
    func wrongCodes() async throws {
        try await withLiveServer { server in
            let patient = server.browser()
            let sent = try await Self.codePage(patient)
            let ticket = try #require(sent.hiddenValue("ticket"))
            let code = try Mailbox.latestCode(to: "ada@example.com", in: server.outbox)
            let wrong = code == "000000" ? "111111" : "000000"
            var page = sent
            for left in [4, 3, 2, 1] {
                page = try await patient.post("/signup/verify", form: ["ticket": ticket, "code": wrong], from: page)
                #expect(page.status == .unprocessableContent)
                #expect(page.text.contains("Code is wrong; \(left) tr"))
            }
            page = try await patient.post("/signup/verify", form: ["ticket": ticket, "code": wrong], from: page)
            #expect(page.text.contains("entered wrong too many times"))
            page = try await patient.post("/signup/verify", form: ["ticket": ticket, "code": code], from: page)
            #expect(page.status == .unprocessableContent)
            #expect(page.text.contains("entered wrong too many times"))
            #expect(try await server.store.patient(email: "ada@example.com")?.hasSecureAccount == false)
            let malformed = try await patient.post(
                "/signup/verify", form: ["ticket": ticket, "code": "12ab"], from: page)
            #expect(malformed.text.contains("Code must be the 6 digits we sent"))
        }
    }

    @Test("a new code replaces the old one; a second resend within the minute is refused")
    func resent() async throws {
        var throttles = Throttles.unlimited
        throttles.resendsPerRequest = RatePolicy(limit: 1, window: 60)
        try await withLiveServer(throttles: throttles) { server in
            let patient = server.browser()
            let sent = try await Self.codePage(patient)
            let ticket = try #require(sent.hiddenValue("ticket"))
            let resent = try await patient.post("/signup/resend", form: ["ticket": ticket], from: sent)
            #expect(resent.status == .ok)
            #expect(resent.text.contains("We sent a code to <strong>ada@example.com</strong>"))
            #expect(try Mailbox.messages(to: "ada@example.com", in: server.outbox).count == 2)
            let again = try await patient.post("/signup/resend", form: ["ticket": ticket], from: resent)
            #expect(again.status == .tooManyRequests)
            #expect(again.headers[.retryAfter] != nil)
            let code = try Mailbox.latestCode(to: "ada@example.com", in: server.outbox)
            let verified = try await patient.post(
                "/signup/verify", form: ["ticket": ticket, "code": code], from: resent)
            #expect(verified.location == "/care")
        }
    }

    @Test("a used code replayed, even from another browser, is refused")
    func replayed() async throws {
        try await withLiveServer { server in
            let patient = server.browser()
            let sent = try await Self.codePage(patient)
            let form = [
                "ticket": try #require(sent.hiddenValue("ticket")),
                "code": try Mailbox.latestCode(to: "ada@example.com", in: server.outbox),
            ]
            #expect(try await patient.post("/signup/verify", form: form, from: sent).status == .seeOther)
            let attacker = server.browser()
            let page = try await attacker.get("/signup")
            let replay = try await attacker.post("/signup/verify", form: form, from: page)
            #expect(replay.status == .unprocessableContent)
            #expect(replay.text.contains("no longer pending"))
            #expect(!replay.setCookies.contains { $0.hasPrefix("spruce_session=") })
        }
    }

    /// The body with every token (CSRF, ticket) replaced, and the status and header names: what may not differ.
    static func shape(_ page: Page) -> String {
        let text = page.text
            .replacing(#/name="csrf_token" value="[^"]*"/#, with: "name=\"csrf_token\" value=\"TOKEN\"")
            .replacing(#/name="ticket" value="[^"]*"/#, with: "name=\"ticket\" value=\"TOKEN\"")
        let headers = page.headers.map(\.name.canonicalName).filter { $0 != "Date" }.sorted().joined(separator: ",")
        return "\(page.status.code)\n\(headers)\n\(text)"
    }

    @Test("signup and reset answer byte for byte alike, apart from tokens, whether or not the address has an account")
    func enumeration() async throws {
        let address = "owner@example.com"
        let form = ["name": "Someone", "email": address, "password": "another password"]
        let (withAccount, resetWithAccount) = try await withLiveServer { server in
            _ = try await server.store.signUpPatient(
                AccountDetails(name: "Owner", email: address, password: "owner password"))
            let signup = try await Self.codePage(server.browser(), form: form)
            let resetter = server.browser()
            let forgot = try await resetter.get("/password/forgot")
            let reset = try await resetter.post("/password/forgot", form: ["login": address], from: forgot)
            let mail = try Mailbox.messages(to: address, in: server.outbox)
            #expect(mail.count == 2)
            #expect(mail.first?.contains("Someone tried to sign up") == true)
            #expect(mail.first?.contains("log in or reset your password") == true)
            #expect(mail.first.map { $0.firstMatch(of: /verification code is/) == nil } == true)
            #expect(mail.last?.contains("password reset code is") == true)
            return (Self.shape(signup), Self.shape(reset))
        }
        let (withoutAccount, resetWithoutAccount) = try await withLiveServer { server in
            let signup = try await Self.codePage(server.browser(), form: form)
            let resetter = server.browser()
            let forgot = try await resetter.get("/password/forgot")
            let reset = try await resetter.post("/password/forgot", form: ["login": address], from: forgot)
            let mail = try Mailbox.messages(to: address, in: server.outbox)
            #expect(mail.count == 1)
            #expect(mail.first?.contains("verification code is") == true)
            return (Self.shape(signup), Self.shape(reset))
        }
        #expect(withAccount == withoutAccount)
        #expect(resetWithAccount == resetWithoutAccount)
        #expect(withAccount.contains("We sent a code to <strong>owner@example.com</strong>"))
    }

    @Test("forgot password: a code by email, the reset ends every session of the account")
    func resetEndsSessions() async throws {
        try await withLiveServer { server in
            let email = "sam@riverbendpt.example"
            let laptop = server.browser()
            let phone = server.browser()
            #expect(try await laptop.logIn(email).location == "/inbox")
            #expect(try await phone.logIn(email).location == "/inbox")
            let login = try await server.browser().get("/login")
            #expect(login.text.contains("href=\"/password/forgot\""))

            let forgetful = server.browser()
            let forgot = try await forgetful.get("/password/forgot")
            let sent = try await forgetful.post(
                "/password/forgot", form: ["login": "Sam@RiverbendPT.example"], from: forgot)
            #expect(sent.text.contains("If an account has <strong>sam@riverbendpt.example</strong>"))
            let code = try Mailbox.latestCode(to: email, in: server.outbox)
            let ticket = try #require(sent.hiddenValue("ticket"))
            let short = try await forgetful.post(
                "/password/reset", form: ["ticket": ticket, "code": code, "password": "short"], from: sent)
            #expect(short.status == .unprocessableContent)
            #expect(short.text.contains("Password is shorter than 10 characters"))
            let done = try await forgetful.post(
                "/password/reset", form: ["ticket": ticket, "code": code, "password": "a brand new password"],
                from: short)
            #expect(done.location == "/login?notice=reset")
            #expect(try await forgetful.follow(done).text.contains("Your password was changed"))
            for browser in [laptop, phone] {
                let inbox = try await browser.get("/inbox")
                #expect(inbox.status == .seeOther)
                #expect(inbox.location?.hasPrefix("/login") == true)
            }
            #expect(try await server.browser().logIn(email).status == .unauthorized)
            #expect(try await server.browser().logIn(email, password: "a brand new password").location == "/inbox")
        }
    }

    @Test("a member's session ends after the idle timeout (real clock, 15 s); a patient's, idle as long, lasts")
    func idleTimeout() async throws {
        // Seconds long enough that a request on a loaded machine takes less (with 5 s, a whole run on two cores once
        // took longer than that from the login to the next page); the store's tests cover minutes and days.
        let timeouts = SessionTimeouts(memberIdle: 15, patientIdle: 3600)
        try await withLiveServer(sessionTimeouts: timeouts) { server in
            let staff = server.browser()
            try await staff.logIn("sam@riverbendpt.example")
            #expect(try await staff.get("/inbox").status == .ok)
            let patient = server.browser()
            let verified = try await patient.signUp(form: Self.patientForm, from: try await patient.get("/signup"))
            #expect(verified.location == "/care")
            try await Task.sleep(for: .milliseconds(15_500))
            let after = try await staff.get("/inbox")
            #expect(after.status == .seeOther)
            #expect(after.location?.hasPrefix("/login") == true)
            #expect(try await patient.get("/care").status == .ok)
        }
    }

    @Test("Log out everywhere ends every session of the account; it needs the CSRF token")
    func logOutEverywhere() async throws {
        try await withLiveServer { server in
            let laptop = server.browser()
            let phone = server.browser()
            let other = server.browser()
            try await laptop.logIn("sam@riverbendpt.example")
            try await phone.logIn("sam@riverbendpt.example")
            try await other.logIn("maya.chen@oakstreetpeds.example")
            let account = try await laptop.get("/account")
            #expect(account.text.contains("Log out everywhere"))
            #expect(try await laptop.post("/account/logout-everywhere", form: [:]).status == .forbidden)
            let done = try await laptop.post("/account/logout-everywhere", form: [:], from: account)
            #expect(done.location == "/login?notice=ended")
            for browser in [laptop, phone] {
                #expect(try await browser.get("/inbox").status == .seeOther)
            }
            #expect(try await other.get("/inbox").status == .ok)
        }
    }

    @Test("changing the password ends the other sessions and keeps this one")
    func changePassword() async throws {
        try await withLiveServer { server in
            let laptop = server.browser()
            let phone = server.browser()
            try await laptop.logIn("sam@riverbendpt.example")
            try await phone.logIn("sam@riverbendpt.example")
            let account = try await laptop.get("/account")
            let wrong = try await laptop.post(
                "/account/password", form: ["current": "not it at all", "password": "a brand new password"],
                from: account)
            #expect(wrong.status == .unauthorized)
            #expect(try await phone.get("/inbox").status == .ok)
            let changed = try await laptop.post(
                "/account/password", form: ["current": staffPassword, "password": "a brand new password"], from: wrong)
            #expect(changed.status == .ok)
            #expect(changed.text.contains("Your password was changed"))
            #expect(try await laptop.get("/inbox").status == .ok)
            #expect(try await phone.get("/inbox").status == .seeOther)
        }
    }

    @Test("past the account's failure budget the owner gets one email, however many failures follow")
    func ownerNotified() async throws {
        var throttles = Throttles.unlimited
        throttles.loginFailuresPerAccount = RatePolicy(
            limit: 3, window: 3600, growingDelay: RatePolicy.GrowingDelay(step: 0.001, maximum: 0.001))
        throttles.ownerNotices = RatePolicy(limit: 1, window: 3600)
        try await withLiveServer(throttles: throttles) { server in
            for _ in 0..<8 {
                let status = try await server.browser().logIn("sam@riverbendpt.example", password: "wrong guess").status
                #expect(status == .unauthorized || status == .tooManyRequests)
                try await Task.sleep(for: .milliseconds(5))
            }
            let mail = try Mailbox.messages(to: "sam@riverbendpt.example", in: server.outbox)
            #expect(mail.count == 1)
            #expect(mail.first?.contains("Subject: Failed logins to your Spruce account") == true)
            #expect(try await server.browser().logIn("sam@riverbendpt.example").location == "/inbox")
        }
    }
}
