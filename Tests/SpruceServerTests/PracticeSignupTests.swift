import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("A new practice signs up over a live server")
struct PracticeSignupTests {
    static let form = [
        "practiceName": "Élan Pédiatrie", "specialty": "Pediatrics", "name": "Dr. Élise Martin",
        "email": "elise@elan.example", "password": "a long password",
    ]

    @Test(
        "the practice, its primary link and its first admin are made; the admin lands in the workspace",
        arguments: ServerTestEngine.all)
    func signsUp(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let browser = server.browser()
            let page = try await browser.get("/practices/new")
            #expect(page.status == .ok && page.text.contains("Create your practice"))
            let created = try await browser.post("/practices/new", form: Self.form, from: page)
            #expect(created.status == .seeOther && created.location == "/workspace/links", "\(created.text)")
            let organization = try await server.organization(named: "Élan Pédiatrie")
            let links = try await server.store.links(of: organization.id)
            #expect(links.count == 1 && links[0].isPrimary && links[0].code.kind == .numeric)
            let admin = try #require(try await server.store.member(email: "elise@elan.example"))
            #expect(admin.role == .admin && admin.organizationID == organization.id)
            let workspace = try await browser.follow(created)
            #expect(workspace.status == .ok && workspace.text.contains("https://spruce.care/\(links[0].code.rawValue)"))
            #expect(workspace.text.contains(">Team</a>") && workspace.text.contains(#"value="elan-pediatrie""#))
        }
    }

    @Test(
        "bad input: the rule next to the field, the input kept but never the password, nothing created",
        arguments: [
            ("practiceName", " ", "practiceName-error", HTTPResponse.Status.unprocessableContent),
            ("email", "maya.chen@oakstreetpeds.example", "email-error", .conflict),
            ("email", "not-an-email", "email-error", .unprocessableContent),
            ("password", "short", "password-error", .unprocessableContent),
            ("name", "", "name-error", .unprocessableContent),
        ])
    func badInput(field: String, value: String, errorID: String, status: HTTPResponse.Status) async throws {
        try await withLiveServer { server in
            let before = try await server.store.organizations().count
            let browser = server.browser()
            let page = try await browser.get("/practices/new")
            var form = Self.form
            form[field] = value
            let refused = try await browser.post("/practices/new", form: form, from: page)
            #expect(refused.status == status, "\(refused.text)")
            #expect(refused.text.contains("id=\"\(errorID)\""), "\(refused.text)")
            #expect(refused.text.contains(#"value="Dr. Élise Martin""#) || field == "name")
            #expect(!refused.text.contains("a long password") && !refused.text.contains(#"value="short""#))
            #expect(try await server.store.organizations().count == before)
        }
    }

    @Test(
        "a clinic member who opened another clinic's link logged out creates a practice and is asked to connect",
        arguments: ServerTestEngine.all)
    func continuationSurvives(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let browser = server.browser()
            let connect = try await browser.connect(via: "/3914805")
            let signup = try await browser.follow(connect)
            #expect(signup.text.contains("Are you a clinic?"))
            let href = try #require(
                signup.text.range(of: #"id="create-practice-link""#).flatMap { _ in
                    signup.text.range(of: #"href="/practices/new?continuation="#)
                })
            let continuation = String(signup.text[href.upperBound...].prefix { $0 != "\"" })
            let page = try await browser.get("/practices/new?continuation=" + continuation)
            var form = Self.form
            let carried = try #require(page.hiddenValue("continuation"))
            form["continuation"] = carried
            let created = try await browser.post("/practices/new", form: form, from: page)
            let prompt = try await browser.follow(created)
            #expect(prompt.text.contains("Connect with Lumen Dermatology?"), "\(created.status) \(prompt.text)")
        }
    }
}
