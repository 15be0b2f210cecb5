import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Route groups: each area's middleware, and requests no route takes")
struct RoutingTests {
    @Test("a path routed under other methods is a 405 with Allow: a page for the site, a problem under /api")
    func methodNotAllowed() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let page = try await browser.request("/care", method: .delete)
            #expect(page.status == .methodNotAllowed)
            #expect(page.headers[.allow] == "GET, HEAD")
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")

            let api = try await browser.request("/api/v1/links", method: .delete)
            #expect(api.status == .methodNotAllowed)
            #expect(api.headers[.allow] == "GET, HEAD, POST")
            #expect(api.headers[.contentType] == "application/problem+json")
            #expect(try jsonObject(api)["instance"] == nil)
        }
    }

    @Test("no route: 404 as a page for the site, as a problem under /api")
    func notFound() async throws {
        try await withLiveServer { server in
            let page = try await server.browser().get("/4827163/qr.png/extra")
            #expect(page.status == .notFound && page.headers[.contentType] == "text/html; charset=utf-8")
            let api = try await server.browser().get("/api/v1/nothing-here")
            #expect(api.status == .notFound && api.headers[.contentType] == "application/problem+json")
        }
    }

    @Test("an API route's error names its route template; the API sets no cookies, pages do")
    func groupMiddleware() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let unauthorized = try await browser.get("/api/v1/links")
            #expect(unauthorized.status == .unauthorized)
            #expect(try jsonObject(unauthorized)["instance"] as? String == "/api/v1/links")
            #expect(unauthorized.setCookies.isEmpty)
            #expect(try await browser.get("/api/v1/links/4827163").setCookies.isEmpty)
            #expect(try await browser.get("/4827163/qr.svg").setCookies.isEmpty)
            #expect(try await browser.get("/healthz").setCookies.isEmpty)
            #expect(try await browser.get("/login").setCookies.contains { $0.hasPrefix("spruce_visitor=") })
        }
    }

    @Test("the store's signing key is the one key: instances sharing it accept each other's CSRF tokens")
    func oneSigningKey() async throws {
        let shared = SigningKey.random()
        try await withLiveServer(signingKey: shared) { first in
            let browser = first.browser()
            let page = try await browser.get("/login")
            let token = try #require(page.csrfToken)
            let form = ["login": "nobody@example.com", "password": "wrong password"]
            try await withLiveServer(signingKey: shared) { second in
                let other = second.browser()
                for (name, value) in browser.cookies { other.setCookie(name, value) }
                let status = try await other.post("/login", form: form, csrf: token).status
                #expect(status == .unauthorized, "the same key: the token verifies, the password does not")
            }
            try await withLiveServer(signingKey: .random()) { third in
                let other = third.browser()
                for (name, value) in browser.cookies { other.setCookie(name, value) }
                let status = try await other.post("/login", form: form, csrf: token).status
                #expect(status == .forbidden, "another key: the token does not verify")
            }
        }
    }
}
