import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("JSON API over a live server")
struct APITests {
    func post(
        _ server: LiveServer, _ uri: String, json: String, key: String? = nil, contentType: String = "application/json"
    )
        async throws -> Page
    {
        var headers: HTTPFields = [.contentType: contentType]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await server.browser().request(uri, method: .post, headers: headers, body: ByteBuffer(string: json))
    }

    func get(_ server: LiveServer, _ uri: String, key: String? = nil) async throws -> Page {
        var headers: HTTPFields = [:]
        if let key { headers[.authorization] = "Bearer \(key)" }
        return try await server.browser().get(uri, headers: headers)
    }

    func expectProblem(
        _ page: Page, _ status: Int, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        #expect(page.status.code == status, "\(page.text)", sourceLocation: sourceLocation)
        #expect(page.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let problem = try jsonObject(page)
        #expect(problem["status"] as? Int == status, sourceLocation: sourceLocation)
        #expect(
            (problem["type"] as? String)?.hasPrefix("https://spruce.care/problems/") == true,
            sourceLocation: sourceLocation)
        #expect(problem["title"] is String && problem["detail"] is String, sourceLocation: sourceLocation)
        if let field {
            #expect(problem["field"] as? String == field, "\(problem)", sourceLocation: sourceLocation)
            #expect(problem["rule"] is String, sourceLocation: sourceLocation)
        }
    }

    @Test(
        "the resolve body put together from the organization's encoded profile is byte for byte what the encoder writes"
    )
    func resolvedLinkBytes() async throws {
        try await withLiveServer(publicURL: "https://spruce.care/") { server in
            for code in ["4827163", "oak-street-pediatrics", "5093318", "6150472"] {
                let page = try await get(server, "/api/v1/links/\(code)")
                let link = try #require(try await server.store.link(code: try LinkCode(code)))
                let organization = try #require(try await server.store.organization(id: link.organizationID))
                let expected = try JSONEncoder.api.encode(
                    API.ResolvedLink(code: code, url: "https://spruce.care/\(code)", profile: organization.profile))
                #expect(page.text == String(decoding: expected, as: UTF8.self))
            }
        }
    }

    @Test("a staff API key reads and invites, but minting, disabling and QR colors answer 403 problem+json")
    func staffKey() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (staff, _) = try await server.store.createAPIKey(for: oak.id, label: "desk", role: .staff)
            let (admin, _) = try await server.store.createAPIKey(for: oak.id, label: "ehr", role: .admin)
            #expect(try await get(server, "/api/v1/links", key: staff).status == .ok)
            try expectProblem(try await post(server, "/api/v1/links", json: #"{"label":"x"}"#, key: staff), 403)
            try expectProblem(try await post(server, "/api/v1/links/4827163/disable", json: "{}", key: staff), 403)
            try expectProblem(
                try await post(
                    server, "/api/v1/links/4827163/qr-colors",
                    json: ##"{"foreground":"#1a4d2e","background":"#ffffff"}"##,
                    key: staff), 403)
            let invited = try await post(
                server, "/api/v1/invitations", json: #"{"code":"4827163","email":"ana@example.com"}"#, key: staff)
            #expect(invited.status == .created, "\(invited.text)")
            #expect(try await server.store.link(code: try LinkCode("4827163"))?.status == .active)
            #expect(try await post(server, "/api/v1/links", json: #"{"label":"x"}"#, key: admin).status == .created)
        }
    }

    @Test("a link disabled on another instance (straight in the database) stops resolving within a sync interval")
    func disabledElsewhere() async throws {
        try await withLiveServer { server in
            #expect(try await get(server, "/api/v1/links/2386619").status == .ok)
            #expect(try await server.browser().get("/2386619").status == .ok)
            try await server.store.disableLink(code: try LinkCode("2386619"), in: .everyOrganization)
            var status = HTTPResponse.Status.ok
            let deadline = ContinuousClock.now + .seconds(5)
            while status == .ok, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
                status = try await get(server, "/api/v1/links/2386619").status
            }
            #expect(status == .gone)
            #expect(try await server.browser().get("/2386619").status == .gone)
            #expect(try await server.browser().get("/2386619/qr.png").status == .gone)
        }
    }

    @Test("QR colors: the owner sets them through the API, images follow with a new ETag, the query cannot")
    func qrColors() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let riverbend = try await server.organization(named: "Riverbend Physical Therapy")
            let (key, _) = try await server.store.createAPIKey(for: oak.id)
            let (otherKey, _) = try await server.store.createAPIKey(for: riverbend.id)
            let before = try await server.browser().get("/4827163/qr.png")
            #expect(before.status == .ok)
            let beforeTag = try #require(before.headers[.eTag])
            let ignored = try await server.browser().get("/4827163/qr.png?fg=ff0000&foreground=%23ff0000&color=red")
            #expect(ignored.headers[.eTag] == beforeTag && ignored.body == before.body)

            let green = ##"{"foreground": "#1A4D2E", "background": "#f5f0e6"}"##
            try expectProblem(try await post(server, "/api/v1/links/4827163/qr-colors", json: green), 401)
            try expectProblem(
                try await post(server, "/api/v1/links/4827163/qr-colors", json: green, key: otherKey), 404)
            try expectProblem(
                try await post(
                    server, "/api/v1/links/4827163/qr-colors",
                    json: ##"{"foreground": "#ffffff", "background": "#000000"}"##,
                    key: key), 422, field: "foreground")
            try expectProblem(
                try await post(
                    server, "/api/v1/links/4827163/qr-colors",
                    json: ##"{"foreground": "#000000", "background": "white"}"##,
                    key: key), 422, field: "background")
            try expectProblem(
                try await post(
                    server, "/api/v1/links/4827163/qr-colors", json: ##"{"foreground": "#000000"}"##, key: key),
                422, field: "background")
            #expect(try await server.store.link(code: try LinkCode("4827163"))?.qrColors == .standard)

            let set = try await post(server, "/api/v1/links/4827163/qr-colors", json: green, key: key)
            #expect(set.status == .ok)
            let colors = try #require(try jsonObject(set)["qrColors"] as? [String: String])
            #expect(colors == ["foreground": "#1a4d2e", "background": "#f5f0e6"])
            let after = try await server.browser().get("/4827163/qr.png")
            #expect(after.status == .ok)
            #expect(after.headers[.eTag] != beforeTag)
            // A 1-bit palette PNG: its PLTE chunk holds the background, then the foreground.
            let bytes = Array(after.body.readableBytesView)
            let plte = try #require(bytes.firstRange(of: Array("PLTE".utf8)))
            #expect(Array(bytes[plte.upperBound..<plte.upperBound + 6]) == [0xF5, 0xF0, 0xE6, 0x1A, 0x4D, 0x2E])
            let svg = try await server.browser().get("/4827163/qr.svg")
            #expect(svg.text.lowercased().contains("#1a4d2e") && svg.text.lowercased().contains("#f5f0e6"))
            let listed = try jsonObject(try await get(server, "/api/v1/links", key: key))
            let links = try #require(listed["links"] as? [[String: Any]])
            #expect(
                links.contains {
                    ($0["code"] as? String) == "4827163"
                        && ($0["qrColors"] as? [String: String])?["foreground"] == "#1a4d2e"
                })
        }
    }

    @Test("public: resolve a code to its profile, 404 and 410 as problems; resolve scanned text")
    func publicRoutes() async throws {
        try await withLiveServer { server in
            let found = try await get(server, "/api/v1/links/OAK-STREET-PEDIATRICS")
            #expect(found.status == .ok)
            #expect(found.headers[.contentType] == "application/json")
            let body = try jsonObject(found)
            #expect(body["code"] as? String == "oak-street-pediatrics")
            #expect(body["url"] as? String == "https://spruce.care/oak-street-pediatrics")
            let profile = try #require(body["profile"] as? [String: Any])
            #expect(profile["displayName"] as? String == "Oak Street Pediatrics")
            #expect(
                Set(profile.keys).isSubset(of: [
                    "displayName", "kind", "specialty", "summary", "address", "phone", "website", "hours",
                    "acceptsNewPatients",
                    "monogram",
                ]))
            try expectProblem(try await get(server, "/api/v1/links/1234567"), 404)
            let disabled = try await get(server, "/api/v1/links/7718204")
            try expectProblem(disabled, 410)
            #expect(try jsonObject(disabled)["detail"] as? String == "This link is no longer active.")

            let resolved = try await post(
                server, "/api/v1/resolve", json: #"{"text":" HTTPS://WWW.Spruce.care/4827163/?utm=flyer "}"#)
            #expect(resolved.status == .ok)
            let resolution = try jsonObject(resolved)
            #expect(resolution["outcome"] as? String == "found")
            #expect(resolution["code"] as? String == "4827163")
            let gone = try jsonObject(
                try await post(server, "/api/v1/resolve", json: #"{"text":"spruce.care/7718204"}"#))
            #expect(gone["outcome"] as? String == "disabled")
            #expect(gone["status"] as? Int == 410)
            try expectProblem(
                try await post(server, "/api/v1/resolve", json: #"{"text":"https://spruce.care@evil.example/1"}"#), 422,
                field: "text")
            try expectProblem(try await post(server, "/api/v1/resolve", json: #"{}"#), 422, field: "text")
            try expectProblem(try await post(server, "/api/v1/resolve", json: #"{"text": 5}"#), 422, field: "text")
            try expectProblem(try await post(server, "/api/v1/resolve", json: "not json"), 400, field: "body")
            try expectProblem(
                try await post(server, "/api/v1/resolve", json: #"{"text":"x"}"#, contentType: "text/plain"), 415)
        }
    }

    @Test("keys: 401 without or with a bad key; links listed, minted, disabled; other organizations' links refused")
    func links() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id, label: "test")
            for uri in ["/api/v1/links", "/api/v1/organization", "/api/v1/invitations", "/api/v1/conversations"] {
                let missing = try await get(server, uri)
                try expectProblem(missing, 401)
                try expectProblem(try await get(server, uri, key: "spk_wrong"), 401)
            }
            let list = try jsonObject(try await get(server, "/api/v1/links", key: key))
            let codes = (list["links"] as? [[String: Any]])?.compactMap { $0["code"] as? String }
            #expect(codes?.first == "4827163")
            #expect(codes?.contains("7718204") == true)

            let minted = try await post(
                server, "/api/v1/links", json: #"{"label":"Lobby poster","tags":["lobby"]}"#, key: key)
            #expect(minted.status == .created)
            let link = try jsonObject(minted)
            let code = try #require(link["code"] as? String)
            #expect(code.count == LinkCode.defaultNumericLength)
            #expect(link["tags"] as? [String] == ["lobby"])
            #expect(minted.headers[.location] == "/api/v1/links/\(code)")
            #expect(try await get(server, "/api/v1/links/\(code)").status == .ok)

            let vanity = try await post(server, "/api/v1/links", json: #"{"code":"Oak-Lobby"}"#, key: key)
            #expect(try jsonObject(vanity)["code"] as? String == "oak-lobby")
            try expectProblem(
                try await post(server, "/api/v1/links", json: #"{"code":"oak-lobby"}"#, key: key), 409, field: "code")
            try expectProblem(
                try await post(server, "/api/v1/links", json: #"{"code":"login"}"#, key: key), 422, field: "code")
            try expectProblem(
                try await post(server, "/api/v1/links", json: #"{"tags":["Not OK!"]}"#, key: key), 422, field: "tags")
            try expectProblem(
                try await post(server, "/api/v1/links", json: #"{"tags":"x"}"#, key: key), 422, field: "tags")
            try expectProblem(
                try await post(
                    server, "/api/v1/links", json: "{\"label\":\"\(String(repeating: "x", count: 201))\"}", key: key),
                422, field: "label")

            // Disabling: the page and the API answer 410 at once (the cache entry is dropped).
            let disabled = try await post(server, "/api/v1/links/\(code)/disable", json: "", key: key)
            #expect(disabled.status == .ok)
            #expect(try jsonObject(disabled)["status"] as? String == "disabled")
            #expect(try await get(server, "/api/v1/links/\(code)").status == .gone)
            #expect(try await server.browser().get("/\(code)").status == .gone)
            try expectProblem(try await post(server, "/api/v1/links/6150472/disable", json: "", key: key), 404)
            #expect(try await get(server, "/api/v1/links/6150472").status == .ok)

            let organization = try jsonObject(try await get(server, "/api/v1/organization", key: key))
            #expect(organization["id"] as? Int == Int(oak.id.rawValue))

            // A revoked key stops working.
            let keys = try await server.store.apiKeys(of: oak.id)
            try await server.store.revokeAPIKey(id: try #require(keys.first).id)
            try expectProblem(try await get(server, "/api/v1/links", key: key), 401)
        }
    }

    @Test("invitations: created with their link once, listed without it, validated by field")
    func invitations() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id)
            let created = try await post(
                server, "/api/v1/invitations", json: #"{"code":"5093318","name":"Dee","email":"Dee@Example.com"}"#,
                key: key)
            #expect(created.status == .created)
            let invitation = try jsonObject(created)
            let url = try #require(invitation["url"] as? String)
            #expect(url.hasPrefix("https://spruce.care/i/"))
            #expect((invitation["recipient"] as? [String: Any])?["email"] as? String == "dee@example.com")
            #expect(invitation["state"] as? String == "pending")
            let path = String(url.dropFirst("https://spruce.care".count))
            #expect(try await server.browser().get(path).status == .ok)

            let list = try jsonObject(try await get(server, "/api/v1/invitations", key: key))
            let first = try #require((list["invitations"] as? [[String: Any]])?.first)
            #expect(first["url"] == nil)
            #expect(first["id"] as? Int == invitation["id"] as? Int)

            try expectProblem(
                try await post(server, "/api/v1/invitations", json: #"{"code":"5093318"}"#, key: key), 422)
            try expectProblem(
                try await post(server, "/api/v1/invitations", json: #"{"code":"5093318","email":"nope"}"#, key: key),
                422,
                field: "email")
            try expectProblem(
                try await post(
                    server, "/api/v1/invitations", json: #"{"code":"6150472","email":"a@b.example"}"#, key: key),
                422, field: "code")
            try expectProblem(
                try await post(
                    server, "/api/v1/invitations", json: #"{"code":"5093318","email":"a@b.example","expiresInDays":0}"#,
                    key: key),
                422, field: "expiresInDays")
            try expectProblem(
                try await post(server, "/api/v1/invitations", json: #"{"email":"a@b.example"}"#, key: key), 422,
                field: "code")
        }
    }

    @Test("invitations: the CLI's rules hold through the API: opted out is 422 naming the field, invited twice 409")
    func invitationRules() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id)
            try await server.store.optOut(address: "gone@example.com")
            try await server.store.optOut(address: "+12175550199")
            let email = try await post(
                server, "/api/v1/invitations", json: #"{"code":"5093318","email":" Gone@Example.com "}"#, key: key)
            try expectProblem(email, 422, field: "email")
            #expect(try jsonObject(email)["rule"] as? String == "opted out of invitations")
            try expectProblem(
                try await post(
                    server, "/api/v1/invitations", json: #"{"code":"5093318","phone":"(217) 555-0199"}"#, key: key),
                422, field: "phone")
            #expect(try await server.store.invitations(of: oak.id).isEmpty)

            let body = #"{"code":"5093318","email":"fay@example.com"}"#
            #expect(try await post(server, "/api/v1/invitations", json: body, key: key).status == .created)
            let again = try await post(server, "/api/v1/invitations", json: body, key: key)
            try expectProblem(again, 409, field: "recipient")
            #expect((try jsonObject(again)["type"] as? String)?.hasSuffix("/already-invited") == true)
            #expect(try await server.store.invitations(of: oak.id).count == 1)
        }
    }

    @Test("conversations: the organization's inbox by cursor; bad parameters name themselves")
    func conversations() async throws {
        try await withLiveServer { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            let (key, _) = try await server.store.createAPIKey(for: oak.id)
            for index in 0..<3 {
                let patient = server.browser()
                let signup = try await patient.get(try #require(try await patient.connect(via: "/4827163").location))
                _ = try await patient.signUp(
                    form: [
                        "name": "Patient \(index)", "email": "p\(index)@example.com", "password": "patient password",
                        "continuation": try #require(signup.hiddenValue("continuation")),
                    ], from: signup)
            }
            let page = try jsonObject(try await get(server, "/api/v1/conversations?limit=2", key: key))
            let entries = try #require(page["conversations"] as? [[String: Any]])
            #expect(entries.map { $0["title"] as? String } == ["Patient 2", "Patient 1"])
            #expect(entries.first?["icon"] as? String == "patient")
            let cursor = try #require(page["nextCursor"] as? String)
            let next = try jsonObject(try await get(server, "/api/v1/conversations?limit=2&after=\(cursor)", key: key))
            #expect((next["conversations"] as? [[String: Any]])?.map { $0["title"] as? String } == ["Patient 0"])
            #expect(next["nextCursor"] == nil)
            let clinics = try jsonObject(try await get(server, "/api/v1/conversations?filter=clinics", key: key))
            #expect((clinics["conversations"] as? [Any])?.isEmpty == true)
            try expectProblem(try await get(server, "/api/v1/conversations?limit=0", key: key), 400, field: "limit")
            try expectProblem(try await get(server, "/api/v1/conversations?filter=x", key: key), 400, field: "filter")
            try expectProblem(try await get(server, "/api/v1/conversations?after=zz", key: key), 400, field: "after")
            // Another organization's key sees none of them.
            let riverbend = try await server.organization(named: "Riverbend Physical Therapy")
            let (otherKey, _) = try await server.store.createAPIKey(for: riverbend.id)
            let other = try jsonObject(try await get(server, "/api/v1/conversations", key: otherKey))
            #expect((other["conversations"] as? [Any])?.isEmpty == true)
        }
    }
}
