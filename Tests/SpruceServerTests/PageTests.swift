import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import Testing

@testable import SpruceServer

@Suite("Pages over a live server")
struct PageTests {
    @Test("profile page: content, Connect form with CSRF, QR image, security headers, visitor cookie")
    func profilePage() async throws {
        try await withLiveServer { server in
            let page = try await server.browser().get("/4827163")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = page.text
            #expect(html.contains("<h1>Oak Street Pediatrics</h1>"))
            #expect(html.contains("Connect with Oak Street Pediatrics"))
            #expect(html.contains("action=\"/4827163/connect\""))
            #expect(html.contains("<img src=\"/4827163/qr.svg\""))
            #expect(html.contains("alt=\"QR code of the link https://spruce.care/4827163\""))
            #expect(html.contains(">OS</div>"))
            #expect(html.contains("name=\"viewport\""))
            #expect(page.csrfToken?.isEmpty == false)
            #expect(!html.contains("<script"))
            expectSecurityHeaders(page)
            let cookie = try #require(page.setCookies.first { $0.hasPrefix("spruce_visitor=") })
            for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Secure"] { #expect(cookie.contains(attribute)) }
        }
    }

    @Test(
        "codes are case-insensitive and a trailing slash works",
        arguments: ["/OAK-STREET-PEDIATRICS", "/4827163/", "/Oak-Street-Pediatrics/"])
    func spellings(path: String) async throws {
        try await withLiveServer { server in
            let page = try await server.browser().get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("Oak Street Pediatrics"))
        }
    }

    @Test("unknown → 404 page, disabled → 410 page, malformed or reserved → 404")
    func unavailable() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let unknown = try await browser.get("/1234567")
            #expect(unknown.status == .notFound)
            #expect(unknown.text.contains(Resolution.notFound.message))
            let disabled = try await browser.get("/7718204")
            #expect(disabled.status == .gone)
            #expect(disabled.text.contains("This link is no longer active."))
            for path in ["/x", "/0123456", "/admin", "/a--b"] {
                #expect(try await browser.get(path).status == .notFound, "\(path)")
            }
            expectSecurityHeaders(disabled)
        }
    }

    @Test("QR PNG and SVG: strong ETag, Cache-Control, 304 on If-None-Match, bounds, only active links")
    func qrImages() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            let png = try await browser.get("/4827163/qr.png")
            #expect(png.status == .ok)
            #expect(png.headers[.contentType] == "image/png")
            #expect(Array(png.body.readableBytesView.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            let etag = try #require(png.headers[.eTag])
            #expect(etag.hasPrefix("\"") && !etag.hasPrefix("W/"))
            #expect(png.headers[.cacheControl] == "public, max-age=600")
            #expect(png.setCookies.isEmpty)

            let again = try await browser.get("/4827163/qr.png", headers: [.ifNoneMatch: etag])
            #expect(again.status == .notModified)
            #expect(again.headers[.eTag] == etag)
            #expect(again.body.readableBytes == 0)
            #expect(try await browser.get("/4827163/qr.png", headers: [.ifNoneMatch: "\"other\""]).status == .ok)

            // Colors never come from the query: the same image, the same ETag.
            let colored = try await browser.get("/4827163/qr.png?fg=ff0000&bg=000000&foreground=%23ff0000")
            #expect(colored.headers[.eTag] == etag)
            #expect(colored.body == png.body)

            let bigger = try await browser.get("/4827163/qr.png?size=16&margin=2")
            #expect(bigger.status == .ok)
            #expect(bigger.headers[.eTag] != etag)

            let svg = try await browser.get("/OAK-STREET-PEDIATRICS/qr.svg")
            #expect(svg.status == .ok)
            #expect(svg.headers[.contentType] == "image/svg+xml")
            #expect(svg.text.contains("<svg"))

            for query in ["size=0", "size=33", "size=abc", "margin=17", "margin=-1"] {
                let refused = try await browser.get("/4827163/qr.png?" + query)
                #expect(refused.status == .badRequest, "\(query)")
            }
            #expect(try await browser.get("/7718204/qr.png").status == .gone)
            #expect(try await browser.get("/1234567/qr.svg").status == .notFound)
        }
    }

    @Test("healthz, metrics, stylesheet, home, OpenAPI document")
    func operations() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            _ = try await browser.get("/4827163")
            _ = try await browser.get("/1234567")
            let health = try await browser.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text == "{\"status\":\"ok\"}")
            // /metrics is not on the public port (a practice link cannot be named `metrics` either)...
            #expect(try await browser.get("/metrics").status == .notFound)
            // ...but on the metrics listener, with the traffic figures and the detailed health.
            let metrics = try await RawHTTP.exchangeOffPool(
                port: server.metricsPort, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(metrics.hasPrefix("HTTP/1.1 200"))
            #expect(metrics.contains("text/plain; version=0.0.4"))
            #expect(metrics.contains("sprucelink_resolve_total{outcome=\"found\"}"))
            #expect(metrics.contains("sprucelink_resolve_total{outcome=\"not_found\"}"))
            #expect(metrics.contains("hb_requests"))
            #expect(metrics.contains("http_server_request_duration"))
            let detailed = try await RawHTTP.exchangeOffPool(
                port: server.metricsPort, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(detailed.contains("\"database\":\"ok\""))
            #expect(detailed.contains("\"linkDirectory\""))
            let css = try await browser.get("/static/style.css")
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            let home = try await browser.get("/")
            #expect(home.status == .ok)
            let openAPI = try await browser.get("/api/openapi.json")
            #expect(openAPI.status == .ok)
            #expect(try jsonObject(openAPI)["openapi"] as? String == "3.1.0")
            #expect(try await browser.get("/no/such/page").status == .notFound)
            #expect(try await browser.request("/4827163", method: .head).status == .ok)
        }
    }

    @Test("login and signup pages: labels on every input, CSRF token, Log in link")
    func forms() async throws {
        try await withLiveServer { server in
            let browser = server.browser()
            for path in ["/login", "/signup"] {
                let page = try await browser.get(path)
                #expect(page.status == .ok)
                #expect(page.csrfToken != nil)
                for id in page.text.matches(of: /<input id="([a-z-]+)"/).map({ String($0.1) }) {
                    #expect(page.text.contains("<label for=\"\(id)\""), "\(path): input \(id) has no label")
                }
            }
            #expect(
                try await browser.get("/signup").text.contains("Already have an account? <a href=\"/login\">Log in</a>")
            )
        }
    }
}

func expectSecurityHeaders(_ page: Page, sourceLocation: SourceLocation = #_sourceLocation) {
    let csp = page.headers[.contentSecurityPolicy] ?? ""
    #expect(csp.contains("default-src 'none'"), sourceLocation: sourceLocation)
    #expect(csp.contains("frame-ancestors 'none'"), sourceLocation: sourceLocation)
    #expect(!csp.contains("unsafe-inline"), sourceLocation: sourceLocation)
    #expect(!csp.contains("script-src"), sourceLocation: sourceLocation)
    #expect(page.headers[.xContentTypeOptions] == "nosniff", sourceLocation: sourceLocation)
    #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
}
