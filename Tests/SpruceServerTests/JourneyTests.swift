import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

/// The three journeys of the connect flow (docs/ARCHITECTURE.md, "Connect"), end to end over HTTP with a cookie jar.
@Suite("Connect journeys over HTTP")
struct JourneyTests {
    @Test("new patient through a tagged link: signup, connected, conversation on top of the practice's inbox")
    func newPatientThroughLink() async throws {
        try await withLiveServer { server in
            let patient = server.browser()
            let connect = try await patient.connect(via: "/5093318")
            #expect(connect.status == .seeOther)
            let location = try #require(connect.location)
            #expect(location.hasPrefix("/signup?continuation="))
            let signup = try await patient.get(location)
            #expect(signup.status == .ok)
            #expect(signup.text.contains("connected with <strong>Oak Street Pediatrics</strong>"))
            #expect(signup.text.contains("Already have an account?"))
            let continuation = try #require(signup.hiddenValue("continuation"))
            let created = try await patient.signUp(
                form: [
                    "name": "Ada Lovelace", "email": "ada@example.com", "password": "patient password",
                    "continuation": continuation,
                ],
                from: signup)
            #expect(created.status == .seeOther)
            let conversationPath = try #require(created.location)
            #expect(conversationPath.hasPrefix("/conversations/"))
            let session = try #require(created.setCookies.first { $0.hasPrefix("spruce_session=") })
            for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] { #expect(session.contains(attribute)) }

            let thread = try await patient.get(conversationPath)
            #expect(thread.status == .ok)
            #expect(thread.text.contains("Oak Street Pediatrics"))
            let sent = try await patient.post(
                conversationPath + "/messages", form: ["body": "Hello from Ada"], from: thread)
            #expect(sent.status == .seeOther)
            #expect(try await patient.get(conversationPath).text.contains("Hello from Ada"))

            let care = try await patient.get("/care")
            #expect(care.status == .ok)
            #expect(care.text.contains("Oak Street Pediatrics"))

            // The practice sees the conversation on top of its inbox, tagged with the link's tags, and an alert.
            let staff = server.browser()
            let login = try await staff.logIn("maya.chen@oakstreetpeds.example")
            #expect(login.location == "/inbox")
            let inbox = try await staff.get("/inbox")
            #expect(inbox.status == .ok)
            let first = try #require(inbox.text.range(of: "<li><a href=\"/conversations/"))
            #expect(inbox.text[first.lowerBound...].hasPrefix("<li><a href=\"\(conversationPath)\""))
            #expect(inbox.text.contains("Ada Lovelace"))
            #expect(inbox.text.contains("<span class=\"tag\">flu-shot</span>"))
            #expect(inbox.text.contains("<span class=\"tag\">campaign-fall-2026</span>"))
            #expect(inbox.text.contains("Ada Lovelace connected with Oak Street Pediatrics"))

            // Opening the link again as the logged-in patient lands on the same conversation.
            let again = try await patient.connect(via: "/oak-street-pediatrics")
            #expect(again.location == conversationPath)
        }
    }

    @Test("a patient with an account logs in from the signup page and is connected")
    func existingPatientLogsIn() async throws {
        try await withLiveServer { server in
            _ = try await server.store.signUpPatient(
                AccountDetails(name: "Bo Peep", email: "bo@example.com", password: "patient password"))
            let browser = server.browser()
            let connect = try await browser.connect(via: "/9402756")
            let signup = try await browser.get(try #require(connect.location))
            let loginHref = try #require(signup.text.firstMatch(of: /href="(\/login\?continuation=[^"]+)"/)?.1)
            let loginPage = try await browser.get(String(loginHref).replacingOccurrences(of: "&amp;", with: "&"))
            #expect(loginPage.text.contains("Clearwater Behavioral Health"))
            let loggedIn = try await browser.post(
                "/login",
                form: [
                    "login": "bo@example.com", "password": "patient password",
                    "continuation": try #require(loginPage.hiddenValue("continuation")),
                ],
                from: loginPage)
            #expect(loggedIn.status == .seeOther)
            #expect(loggedIn.location?.hasPrefix("/conversations/") == true)
            #expect(try await browser.follow(loggedIn).text.contains("Clearwater Behavioral Health"))
        }
    }

    @Test("new patient through an invitation; the used invitation then answers 410")
    func newPatientThroughInvitation() async throws {
        try await withLiveServer { server in
            let (_, token) = try await server.store.invite(
                link: try LinkCode("5093318"), recipient: InvitationRecipient(name: "Cy", email: "cy@example.com"))
            let browser = server.browser()
            let profile = try await browser.get("/i/\(token.rawValue)")
            #expect(profile.status == .ok)
            #expect(profile.text.contains("You were invited, Cy."))
            let connect = try await browser.post("/i/\(token.rawValue)/connect", form: [:], from: profile)
            let signup = try await browser.get(try #require(connect.location))
            let wrongEmail = try await browser.signUp(
                form: [
                    "name": "Cy", "email": "someone.else@example.com", "password": "patient password",
                    "continuation": try #require(signup.hiddenValue("continuation")),
                ],
                from: signup)
            #expect(wrongEmail.status == .unprocessableContent)
            #expect(wrongEmail.text.contains("the invitation was sent to"))
            let created = try await browser.signUp(
                form: [
                    "name": "Cy", "email": "cy@example.com", "password": "patient password",
                    "continuation": try #require(wrongEmail.hiddenValue("continuation")),
                ],
                from: wrongEmail)
            #expect(created.location?.hasPrefix("/conversations/") == true)
            let used = try await server.browser().get("/i/\(token.rawValue)")
            #expect(used.status == .gone)
            #expect(used.text.contains(Resolution.invitationAccepted.message))
        }
    }

    @Test("expired, revoked and unknown invitations")
    func unavailableInvitations() async throws {
        try await withLiveServer { server in
            let code = try LinkCode("4827163")
            let (_, expired) = try await server.store.invite(
                link: code, recipient: InvitationRecipient(email: "old@example.com"), lifetime: 60,
                at: Date().addingTimeInterval(-3600))
            let (revokedInvitation, revoked) = try await server.store.invite(
                link: code, recipient: InvitationRecipient(email: "gone@example.com"))
            try await server.store.revokeInvitation(id: revokedInvitation.id)
            let browser = server.browser()
            let expiredPage = try await browser.get("/i/\(expired.rawValue)")
            #expect(expiredPage.status == .gone)
            #expect(expiredPage.text.contains("This invitation has expired."))
            let revokedPage = try await browser.get("/i/\(revoked.rawValue)")
            #expect(revokedPage.status == .gone)
            #expect(revokedPage.text.contains("withdrawn"))
            #expect(try await browser.get("/i/\(InvitationToken.generate().rawValue)").status == .notFound)
            #expect(try await browser.get("/i/not-a-token").status == .notFound)
        }
    }

    @Test("clinic to clinic: the prompt, Connect with Clinic, briefcase and name on both sides, alerts")
    func clinicPrompt() async throws {
        try await withLiveServer { server in
            let sam = server.browser()
            try await sam.logIn("sam@riverbendpt.example")
            let connect = try await sam.connect(via: "/3914805")
            #expect(connect.status == .seeOther)
            let inboxPath = try #require(connect.location)
            #expect(inboxPath.hasPrefix("/inbox?prompt="))
            let inbox = try await sam.get(inboxPath)
            #expect(inbox.text.contains("Connect with Lumen Dermatology?"))
            #expect(inbox.text.contains("Connect with Clinic"))
            #expect(inbox.text.contains("Not now"))
            let answered = try await sam.post(
                "/inbox/prompt", form: ["prompt": try #require(inbox.hiddenValue("prompt")), "answer": "connect"],
                from: inbox)
            #expect(answered.status == .seeOther)
            let conversation = try #require(answered.location)
            #expect(conversation.hasPrefix("/conversations/"))
            let clinics = try await sam.get("/inbox?tab=clinics")
            #expect(clinics.text.contains("aria-label=\"Clinic\""))
            #expect(clinics.text.contains("Lumen Dermatology"))

            let priya = server.browser()
            try await priya.logIn("priya.raman@lumenderm.example")
            let other = try await priya.get("/inbox?tab=clinics")
            #expect(other.text.contains("<span class=\"title\">Riverbend Physical Therapy</span>"))
            #expect(other.text.contains("Riverbend Physical Therapy connected with your clinic on Spruce"))
            #expect(try await priya.get("/contacts").text.contains("Riverbend Physical Therapy"))

            // The same prompt twice, or from the other side, still gives one conversation.
            let twice = try await sam.connect(via: "/3914805")
            let prompt = try await sam.get(try #require(twice.location))
            let second = try await sam.post(
                "/inbox/prompt", form: ["prompt": try #require(prompt.hiddenValue("prompt")), "answer": "connect"],
                from: prompt)
            #expect(second.location == conversation)
        }
    }

    @Test("Not now creates nothing")
    func declinePrompt() async throws {
        try await withLiveServer { server in
            let jonah = server.browser()
            try await jonah.logIn("jonah@prairiefamilymed.example")
            let inbox = try await jonah.get(try #require(try await jonah.connect(via: "/6150472").location))
            let declined = try await jonah.post(
                "/inbox/prompt", form: ["prompt": try #require(inbox.hiddenValue("prompt")), "answer": "decline"],
                from: inbox)
            #expect(declined.location == "/inbox?notice=declined")
            let after = try await jonah.follow(declined)
            #expect(after.text.contains("Nothing was created."))
            #expect(!after.text.contains("Riverbend"))
        }
    }

    @Test("Add Clinic from the contact list connects both clinics; bad links are refused with the rule")
    func addClinic() async throws {
        try await withLiveServer { server in
            let jonah = server.browser()
            try await jonah.logIn("jonah@prairiefamilymed.example")
            let contacts = try await jonah.get("/contacts")
            #expect(contacts.text.contains("<label for=\"link\">"))
            let added = try await jonah.post(
                "/add-clinic", form: ["link": "https://spruce.care/9402756"], from: contacts)
            #expect(added.status == .seeOther)
            #expect(added.location?.hasPrefix("/conversations/") == true)
            #expect(try await jonah.get("/inbox?tab=clinics").text.contains("Clearwater Behavioral Health"))
            let foreign = try await jonah.post(
                "/add-clinic", form: ["link": "https://evil.example/9402756"], from: contacts)
            #expect(foreign.status == .unprocessableContent)
            let disabled = try await jonah.post("/add-clinic", form: ["link": "spruce.care/7718204"], from: contacts)
            #expect(disabled.status == .gone)
            let own = try await jonah.post("/add-clinic", form: ["link": "8265031"], from: contacts)
            #expect(own.text.contains("This is your own practice link"))

            let torres = server.browser()
            try await torres.logIn("atorres@clearwaterbh.example")
            #expect(
                try await torres.get("/inbox").text.contains(
                    "Prairie Family Medicine connected with your clinic on Spruce"))
        }
    }

    @Test("own practice link: a notice, nothing created; disabled and unknown links on connect")
    func ownPracticeAndUnavailable() async throws {
        try await withLiveServer { server in
            let maya = server.browser()
            try await maya.logIn("maya.chen@oakstreetpeds.example")
            let own = try await maya.connect(via: "/4827163")
            #expect(own.status == .ok)
            #expect(own.text.contains("This is your own practice link"))
            #expect(try await maya.get("/inbox").text.contains("No conversations yet."))
            let page = try await maya.get("/4827163")
            #expect(try await maya.post("/7718204/connect", form: [:], from: page).status == .gone)
            #expect(try await maya.post("/1234567/connect", form: [:], from: page).status == .notFound)
        }
    }
}
