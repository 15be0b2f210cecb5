import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Hot reads: profile JSON, logged-out pages and cached QR images answered from memory on the event loop")
struct HotReadsTests {
    static let visitor = String(repeating: "v", count: SessionMiddleware.visitorCookieLength)

    func get(
        _ path: String, _ headers: [(String, String)] = [], method: HTTPMethod = .GET, version: HTTPVersion = .http1_1
    ) -> HTTPRequestHead {
        HTTPRequestHead(
            version: version, method: method, uri: path, headers: HTTPHeaders([("Host", "127.0.0.1")] + headers))
    }

    @Test("answered from memory: active links' JSON and logged-out pages, QR images once rendered, 304s")
    func answered() async throws {
        try await withServerParts { parts in
            let reads = parts.makeHotReads()
            let json = try WireResponse(try #require(reads.answer(get("/api/v1/links/OAK-STREET-PEDIATRICS"))))
            #expect(json.statusLine == "HTTP/1.1 200 OK" && json.route == "/api/v1/links/{code}")
            #expect(json.header("Content-Length") == String(json.body.count))
            #expect(json.header("Content-Security-Policy") == SecurityHeadersMiddleware.contentSecurityPolicy)

            let newVisitor = try WireResponse(try #require(reads.answer(get("/4827163"))))
            #expect(newVisitor.header("Set-Cookie")?.hasPrefix("spruce_visitor=") == true)
            let returning = try WireResponse(
                try #require(reads.answer(get("/4827163", [("Cookie", "a=b; spruce_visitor=\(Self.visitor)")]))))
            #expect(returning.header("Set-Cookie") == nil)
            #expect(returning.text.contains(parts.pages.csrf.token(for: Self.visitor)))

            #expect(reads.answer(get("/4827163/qr.png?size=4")) == nil, "not rendered yet: the router renders it")
            let shape = try QRImages.Shape(format: .png, query: "size=4")
            guard case .active(let link, _)? = parts.directory.cached(try LinkCode("4827163")) else {
                Issue.record("4827163 should be in memory")
                return
            }
            let image = try parts.qrImages.render(link, shape: shape)
            parts.qrImages.cache.put(image, for: shape.cacheKey(link))
            let png = try WireResponse(try #require(reads.answer(get("/4827163/qr.png?size=4"))))
            #expect(png.statusLine == "HTTP/1.1 200 OK" && png.body == Array(buffer: image.body))
            let notModified = try WireResponse(
                try #require(reads.answer(get("/4827163/qr.png?size=4", [("If-None-Match", "\"x\", " + image.etag)]))))
            #expect(notModified.statusLine == "HTTP/1.1 304 Not Modified" && notModified.body.isEmpty)
            #expect(notModified.header("Content-Length") == nil && notModified.header("ETag") == image.etag)
        }
    }

    @Test(
        "handed to the router",
        arguments: [
            ("/api/v1/links/1234567", []),  // unknown: the router's 404 problem
            ("/api/v1/links/7718204", []),  // disabled: the router's 410
            ("/api/v1/links/4827163?x=1", []),
            ("/4827163?utm_source=flyer", []),  // attribution goes into the form: rendered
            ("/4827163/", []),
            ("/4827163", [("Cookie", "spruce_session=abc")]),  // a session: the member's or patient's own page
            ("/4827163", [("cookie", "a=b; spruce_session=abc")]),
            ("/4827163", [("Connection", "close")]),
            ("/4827163", [("connection", "keep-alive, Close")]),
            ("/4827163", [("Host", "second.example")]),  // two Host fields: the router decides
            ("/4827163/qr.png?size=99", []),  // out of bounds: the router's 400
            ("/4827163/qr.gif", []),
            ("/login", []),
            ("/i/abcdefghjkmnpqrstuvwxyz234", []),
            ("/" + String(repeating: "9", count: 300), []),
            ("http://127.0.0.1/4827163", []),  // absolute form
            ("//4827163", []), ("/", []), ("/api/v1/links/", []), ("/api/v1/links//4827163", []),
            ("/api/v1/links/4827163/", []), ("/api/v1//links/4827163", []), ("/api/v1/links/48/27163", []),
            ("/4827163/qr.png/x", []), ("/4827163//qr.png", []), ("/4827163/x/qr.png", []), ("/qr.png", []),
        ] as [(String, [(String, String)])])
    func handedOn(path: String, headers: [(String, String)]) async throws {
        try await withServerParts { parts in
            #expect(parts.makeHotReads().answer(get(path, headers)) == nil)
        }
    }

    @Test("only keep-alive HTTP/1.1 GET with one Host: HEAD, unsafe methods, HTTP/1.0 and no Host go to the router")
    func onlyGet() async throws {
        try await withServerParts { parts in
            let reads = parts.makeHotReads()
            #expect(reads.answer(get("/api/v1/links/4827163")) != nil)
            for method in [HTTPMethod.HEAD, .POST, .PUT, .DELETE, .OPTIONS] {
                #expect(reads.answer(get("/api/v1/links/4827163", method: method)) == nil)
            }
            #expect(reads.answer(get("/api/v1/links/4827163", version: .http1_0)) == nil)
            #expect(
                reads.answer(get("/api/v1/links/4827163", [("Connection", "keep-alive")], version: .http1_0)) == nil)
            let noHost = HTTPRequestHead(version: .http1_1, method: .GET, uri: "/api/v1/links/4827163")
            #expect(reads.answer(noHost) == nil)
        }
    }

    @Test("a server answering from memory and one answering through the router put the same bytes on the wire")
    func sameBytesBothWays() async throws {
        let signingKey = SigningKey.random()
        let requests: [(String, String)] = [
            ("/api/v1/links/4827163", ""), ("/api/v1/links/OAK-STREET-PEDIATRICS", ""),
            ("/api/v1/links/6150472", ""),
            ("/4827163", "Cookie: spruce_visitor=\(Self.visitor)\r\n"),
            ("/5093318", "Cookie: spruce_visitor=\(Self.visitor)\r\n"),
            ("/4827163", ""), ("/4827163?scan=1", ""),
            ("/4827163/qr.png", ""), ("/4827163/qr.svg?size=3&margin=1", ""), ("/4827163/qr.png", ""),
            ("/4827163/qr.svg?size=3&margin=1", ""),
        ]
        // The router renders the QR images on first request; the ETag depends on the image only.
        @Sendable func exchange(_ server: LiveServer) async throws -> [WireResponse] {
            var replies: [WireResponse] = []
            for (path, fields) in requests { replies.append(try await Self.wire(server, path, fields)) }
            let etag = try #require(replies[7].header("ETag"))
            for (path, fields) in [("/4827163/qr.png", "If-None-Match: \(etag)\r\n")] {
                replies.append(try await Self.wire(server, path, fields))
            }
            return replies
        }
        let (hot, routed) = try await withLiveServer(signingKey: signingKey, answersHotReadsFromMemory: true) { hot in
            try await Self.waitForDirectory(hot)
            let routed = try await withLiveServer(signingKey: signingKey, answersHotReadsFromMemory: false) { routed in
                try await exchange(routed)
            }
            return (try await exchange(hot), routed)
        }
        #expect(hot.count == routed.count)
        for (index, (hotReply, routedReply)) in zip(hot, routed).enumerated() {
            let request = requests.indices.contains(index) ? requests[index].0 : "revalidation"
            #expect(hotReply.statusLine == routedReply.statusLine, "\(request)")
            #expect(hotReply.comparableHeaders == routedReply.comparableHeaders, "\(request)")
            if hotReply.header("Set-Cookie") == nil {
                #expect(hotReply.body == routedReply.body, "\(request)")
            } else {
                // A new visitor gets a random cookie and the CSRF token bound to it: the same page around them.
                #expect(hotReply.body.count == routedReply.body.count, "\(request)")
            }
        }
        #expect(hot.last?.statusLine == "HTTP/1.1 304 Not Modified")
    }

    @Test("pipelined requests are answered in order when an earlier one is still with the router")
    func pipelinedInOrder() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let replies = try await RawHTTP.exchangeOffPool(
                port: server.port,
                "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /api/openapi.json HTTP/1.1\r\nHost: x\r\n\r\nGET /4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /api/v1/links/6150472 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            let health = try #require(replies.range(of: "{\"status\":\"ok\"}")).lowerBound
            let first = try #require(replies.range(of: "\"code\":\"4827163\"")).lowerBound
            let openAPI = try #require(replies.range(of: "\"openapi\"")).lowerBound
            let page = try #require(replies.range(of: "<html")).lowerBound
            let last = try #require(replies.range(of: "\"code\":\"6150472\"")).lowerBound
            #expect(health < first && first < openAPI && openAPI < page && page < last)
            #expect(replies.components(separatedBy: "HTTP/1.1 200 OK").count == 6)
        }
    }

    @Test("a hot read behind a routed request whose body is still arriving waits for that request's answer")
    func afterPendingBody() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let replies = try await offPool {
                let socket = try ClientSocket(port: server.port)
                try socket.send(
                    "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 20\r\n\r\nlogin=a&pass")
                Thread.sleep(forTimeInterval: 0.3)
                try socket.send(
                    "word=bb\r\nGET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return try WireResponse.split(socket.receiveAll().bytes)
            }
            #expect(replies.count == 3)
            #expect(replies.first?.header("Content-Type")?.hasPrefix("text/html") == true)
            #expect(replies.dropFirst().first?.text.contains("\"code\":\"4827163\"") == true)
            #expect(replies.last?.text.contains("\"status\":\"ok\"") == true)
        }
    }

    @Test("Connection: close is answered by the router, which closes the connection")
    func connectionClose() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let (bytes, closed) = try await offPool {
                let socket = try ClientSocket(port: server.port)
                try socket.send("GET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return socket.receiveAll()
            }
            let replies = try WireResponse.split(bytes)
            #expect(closed && replies.count == 1)
            #expect(replies.first?.statusLine == "HTTP/1.1 200 OK")
            #expect(replies.first?.text.contains("\"code\":\"4827163\"") == true)
        }
    }

    /// After an HTTP/1.0 request without keep-alive NIO's parser takes nothing more on the connection, and
    /// Hummingbird keeps it open (HTTPTypes carry no version): the client's end of sending closes it.
    @Test("HTTP/1.0 is answered by the router")
    func http10() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let (bytes, closed) = try await offPool {
                let socket = try ClientSocket(port: server.port)
                try socket.send("GET /api/v1/links/4827163 HTTP/1.0\r\nHost: x\r\n\r\n")
                shutdown(socket.descriptor, Int32(SHUT_WR))
                return socket.receiveAll()
            }
            let replies = try WireResponse.split(bytes)
            #expect(closed && replies.count == 1)
            #expect(replies.first?.statusLine.hasSuffix(" 200 OK") == true)
            #expect(replies.first?.text.contains("\"code\":\"4827163\"") == true)
        }
    }

    @Test("HEAD gets the GET's head without a body, on a hot path and on a router error page alike")
    func head() async throws {
        try await withLiveServer { server in
            try await Self.waitForDirectory(server)
            let replies = try await offPool {
                let socket = try ClientSocket(port: server.port)
                try socket.send(
                    "HEAD /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "HEAD /no/such/page HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n"
                        + "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                return try WireResponse.split(socket.receiveAll().bytes, bodiless: [0, 1])
            }
            try #require(replies.count == 4)
            #expect(replies[0].statusLine == "HTTP/1.1 200 OK" && replies[0].body.isEmpty)
            #expect(replies[0].header("Content-Length") == String(replies[2].body.count))
            #expect(replies[1].statusLine == "HTTP/1.1 404 Not Found" && replies[1].body.isEmpty)
            #expect(replies[2].text.contains("\"code\":\"4827163\""))
            #expect(replies[3].text.contains("\"status\":\"ok\""))
        }
    }

    /// One request on a keep-alive connection (so that the hot path may answer it), then a routed one that closes.
    static func wire(_ server: LiveServer, _ path: String, _ fields: String) async throws -> WireResponse {
        let bytes = try await offPool {
            let socket = try ClientSocket(port: server.port)
            try socket.send(
                "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(fields)\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            return socket.receiveAll().bytes
        }
        return try #require(try WireResponse.split(bytes).first)
    }

    /// The directory loads in the background at start; until then every request goes to the router. The wait is
    /// long because the whole suite runs at once on two cores: one run here took 85 s for tests of one second.
    static func waitForDirectory(_ server: LiveServer) async throws {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let health = try await RawHTTP.exchangeOffPool(
                port: server.metricsPort, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            if health.contains("\"linkDirectory\":\"current\"") { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw FixtureError(description: "the link directory did not load within 60 s")
    }
}

/// One HTTP/1.1 response as it was on the wire: the status line, the header lines in order, the body.
struct WireResponse: Sendable {
    let statusLine: String
    let headers: [(name: String, value: String)]
    let body: [UInt8]
    var route: String?

    var text: String { String(decoding: body, as: UTF8.self) }

    func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }

    /// The header lines in order, with the ones that differ by nature blanked (the date, a new visitor's value).
    var comparableHeaders: [String] {
        headers.map { field in
            switch field.name.lowercased() {
            case "date": "\(field.name): …"
            case "set-cookie": "\(field.name): spruce_visitor=…" + field.value.drop { $0 != ";" }
            default: "\(field.name): \(field.value)"
            }
        }
    }

    init(_ answer: HotReads.Answer) throws {
        let replies = try Self.split(Array(buffer: answer.bytes))
        guard replies.count == 1, var reply = replies.first else {
            throw FixtureError(description: "an answer is one response, not \(replies.count)")
        }
        reply.route = answer.route
        self = reply
    }

    private init(statusLine: String, headers: [(name: String, value: String)], body: [UInt8]) {
        self.statusLine = statusLine
        self.headers = headers
        self.body = body
    }

    /// The responses in `bytes`, framed by `Content-Length` (the ones at `bodiless` indices answer HEAD requests).
    static func split(_ bytes: [UInt8], bodiless: Set<Int> = []) throws -> [WireResponse] {
        var replies: [WireResponse] = []
        var rest = bytes[...]
        let separator = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            guard let end = rest.indices.first(where: { rest[$0...].starts(with: separator) }) else {
                throw FixtureError(description: "an unterminated head: \(String(decoding: rest, as: UTF8.self))")
            }
            let lines = String(decoding: rest[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let headers = lines.dropFirst().map { line -> (name: String, value: String) in
                let colon = line.firstIndex(of: ":") ?? line.endIndex
                return (String(line[..<colon]), String(line[colon...].dropFirst().drop { $0 == " " }))
            }
            var reply = WireResponse(statusLine: lines[0], headers: headers, body: [])
            let length = bodiless.contains(replies.count) ? 0 : Int(reply.header("Content-Length") ?? "0") ?? 0
            let start = end + separator.count
            guard rest.endIndex - start >= length else { throw FixtureError(description: "a short body") }
            reply = WireResponse(
                statusLine: reply.statusLine, headers: headers, body: Array(rest[start..<start + length]))
            replies.append(reply)
            rest = rest[(start + length)...]
        }
        return replies
    }
}

extension HotReads {
    func answer(_ request: HTTPRequestHead) -> Answer? { answer(request, date: HTTPDate.format(0)) }
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
