import Foundation
import HTTPTypes
import Logging
import NIOCore
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Hot reads: profile JSON, logged-out pages and cached QR images answered from memory on the event loop")
struct HotReadsTests {
    static let visitor = String(repeating: "v", count: SessionMiddleware.visitorCookieLength)

    func get(_ path: String, _ headers: HTTPFields = [:], method: HTTPRequest.Method = .get) -> HTTPRequest {
        HTTPRequest(method: method, scheme: nil, authority: "127.0.0.1", path: path, headerFields: headers)
    }

    @Test("answered from memory: active links' JSON and logged-out pages, QR images once rendered, 304s")
    func answered() async throws {
        try await withServerParts { parts in
            let reads = parts.makeHotReads()
            let json = try #require(reads.answer(get("/api/v1/links/OAK-STREET-PEDIATRICS")))
            #expect(json.head.status == .ok && json.route == "/api/v1/links/{code}")
            #expect(json.head.headerFields[.contentLength] == String(json.body?.readableBytes ?? -1))
            #expect(json.head.headerFields[.contentSecurityPolicy] == SecurityHeadersMiddleware.contentSecurityPolicy)

            let newVisitor = try #require(reads.answer(get("/4827163")))
            #expect(newVisitor.head.headerFields[.setCookie]?.hasPrefix("spruce_visitor=") == true)
            let returning = try #require(reads.answer(get("/4827163", [.cookie: "spruce_visitor=\(Self.visitor)"])))
            #expect(returning.head.headerFields[.setCookie] == nil)
            #expect(String(buffer: try #require(returning.body)).contains(parts.pages.csrf.token(for: Self.visitor)))

            #expect(reads.answer(get("/4827163/qr.png?size=4")) == nil, "not rendered yet: the router renders it")
            let shape = try QRImages.Shape(format: .png, query: "size=4")
            guard case .active(let link, _)? = parts.directory.cached(try LinkCode("4827163")) else {
                Issue.record("4827163 should be in memory")
                return
            }
            let image = try parts.qrImages.render(link, shape: shape)
            parts.qrImages.cache.put(image, for: shape.cacheKey(link))
            let png = try #require(reads.answer(get("/4827163/qr.png?size=4")))
            #expect(png.head.status == .ok && png.body == image.body)
            let notModified = try #require(reads.answer(get("/4827163/qr.png?size=4", [.ifNoneMatch: image.etag])))
            #expect(notModified.head.status == .notModified && notModified.body == nil)
        }
    }

    @Test(
        "handed to the router",
        arguments: [
            ("/api/v1/links/1234567", [:]),  // unknown: the router's 404 problem
            ("/api/v1/links/7718204", [:]),  // disabled: the router's 410
            ("/api/v1/links/4827163?x=1", [:]),
            ("/4827163?utm_source=flyer", [:]),  // attribution goes into the form: rendered
            ("/4827163/", [:]),
            ("/4827163", ["Cookie": "spruce_session=abc"]),  // a session: the member's or patient's own page
            ("/4827163", ["Connection": "close"]),
            ("/4827163/qr.png?size=99", [:]),  // out of bounds: the router's 400
            ("/4827163/qr.gif", [:]),
            ("/login", [:]),
            ("/i/abcdefghjkmnpqrstuvwxyz234", [:]),
            ("/" + String(repeating: "9", count: 300), [:]),
        ] as [(String, [String: String])])
    func handedOn(path: String, headers: [String: String]) async throws {
        try await withServerParts { parts in
            var fields = HTTPFields()
            for (name, value) in headers { fields[try #require(HTTPField.Name(name))] = value }
            #expect(parts.makeHotReads().answer(get(path, fields)) == nil)
        }
    }

    @Test("only GET: HEAD and unsafe methods go to the router")
    func onlyGet() async throws {
        try await withServerParts { parts in
            let reads = parts.makeHotReads()
            #expect(reads.answer(get("/api/v1/links/4827163")) != nil)
            for method in [HTTPRequest.Method.head, .post, .put, .delete] {
                #expect(reads.answer(get("/api/v1/links/4827163", method: method)) == nil)
            }
        }
    }

    @Test("a server answering from memory and one answering through the router give the same bytes")
    func sameBytesBothWays() async throws {
        let signingKey = SigningKey.random()
        let requests: [(String, HTTPFields)] = [
            ("/api/v1/links/4827163", [:]), ("/api/v1/links/OAK-STREET-PEDIATRICS", [:]),
            ("/api/v1/links/6150472", [:]),
            ("/4827163", [.cookie: "spruce_visitor=\(Self.visitor)"]),
            ("/5093318", [.cookie: "spruce_visitor=\(Self.visitor)"]),
            ("/4827163", [:]),
            ("/4827163/qr.png", [:]), ("/4827163/qr.svg?size=3&margin=1", [:]), ("/4827163/qr.png", [:]),
            ("/4827163/qr.svg?size=3&margin=1", [:]),
        ]
        let (hot, routed) = try await withLiveServer(signingKey: signingKey, answersHotReadsFromMemory: true) { hot in
            try await Self.waitForDirectory(hot)
            let routed = try await withLiveServer(signingKey: signingKey, answersHotReadsFromMemory: false) { routed in
                try await Self.responses(routed, requests)
            }
            return (try await Self.responses(hot, requests), routed)
        }
        for (index, (hotPage, routedPage)) in zip(hot, routed).enumerated() {
            let request = requests[index].0
            #expect(hotPage.status == routedPage.status, "\(request)")
            #expect(Self.comparable(hotPage.headers) == Self.comparable(routedPage.headers), "\(request)")
            if hotPage.headers[.setCookie] == nil {
                #expect(hotPage.text == routedPage.text, "\(request)")
            } else {
                // A new visitor gets a random cookie and the CSRF token bound to it: the same page around them.
                #expect(hotPage.text.count == routedPage.text.count, "\(request)")
            }
        }
        let etag = try #require(hot[6].headers[.eTag])
        try await withLiveServer(signingKey: signingKey) { server in
            try await Self.waitForDirectory(server)
            _ = try await server.browser().get("/4827163/qr.png")
            let revalidated = try await server.browser().get("/4827163/qr.png", headers: [.ifNoneMatch: etag])
            #expect(revalidated.status == .notModified && revalidated.body.readableBytes == 0)
        }
    }

    @Test("pipelined requests are answered in order when an earlier one is still with the router")
    func pipelinedInOrder() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let replies = try await RawHTTP.exchangeOffPool(
                port: server.port,
                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/links/6150472 HTTP/1.1\r\nHost: x\r\n"
                    + "Connection: close\r\n\r\n")
            let health = try #require(replies.range(of: "{\"status\":\"ok\"}")).lowerBound
            let first = try #require(replies.range(of: "\"code\":\"4827163\"")).lowerBound
            let openAPI = try #require(replies.range(of: "\"openapi\"")).lowerBound
            let last = try #require(replies.range(of: "\"code\":\"6150472\"")).lowerBound
            #expect(health < first && first < openAPI && openAPI < last)
            #expect(replies.components(separatedBy: "HTTP/1.1 200 OK").count == 5)
        }
    }

    /// Headers both ways must agree on, without the ones that differ by nature (date, the new visitor's value).
    static func comparable(_ headers: HTTPFields) -> [String] {
        headers.compactMap { field in
            switch field.name {
            case .date: nil
            case .setCookie: "set-cookie: " + field.value.drop { $0 != ";" }
            default: "\(field.name.canonicalName): \(field.value)"
            }
        }.sorted()
    }

    static func responses(_ server: LiveServer, _ requests: [(String, HTTPFields)]) async throws -> [Page] {
        var pages: [Page] = []
        for (path, headers) in requests { pages.append(try await server.browser().get(path, headers: headers)) }
        return pages
    }

    /// The directory loads in the background at start; until then every request goes to the router.
    static func waitForDirectory(_ server: LiveServer) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            let health = try await RawHTTP.exchangeOffPool(
                port: server.metricsPort, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if health.contains("\"linkDirectory\":\"current\"") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError(description: "the link directory did not load within 10 s")
    }
}

extension HotReads {
    func answer(_ request: HTTPRequest) -> Answer? { answer(request, date: HTTPDate.format(0)) }
}

@Suite("The Date header")
struct HTTPDateTests {
    @Test(
        "IMF-fixdate in GMT",
        arguments: [
            (0, "Thu, 01 Jan 1970 00:00:00 GMT"), (1_795_622_400, "Wed, 25 Nov 2026 16:00:00 GMT"),
            (951_868_799, "Tue, 29 Feb 2000 23:59:59 GMT"),
        ] as [(Int, String)])
    func format(seconds: Int, expected: String) {
        #expect(HTTPDate.format(time_t(seconds)) == expected)
    }
}
