import Foundation
import SpruceServer
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Slow, idle and too many connections against a live server (real sockets).
@Suite("The server under abuse: deadlines, idle connections, the connection cap", .serialized)
struct ServerAbuseTests {
    static let healthz = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    static let tight = ConnectionLimits(idleTimeout: 2, headTimeout: 1, bodyTimeout: 1, maximumConnections: 10_000)

    /// Runs `exchange` off the cooperative pool and times it there: resuming on the pool can come seconds late
    /// while the whole suite runs, and that wait is not the server's.
    static func timed(
        _ exchange: @escaping @Sendable () throws -> (bytes: [UInt8], closed: Bool)
    ) async throws -> (bytes: [UInt8], closed: Bool, elapsed: Duration) {
        try await offPool {
            let start = ContinuousClock.now
            let (bytes, closed) = try exchange()
            return (bytes, closed, ContinuousClock.now - start)
        }
    }

    @Test("a half-sent request head is answered 408 and closed within the head deadline")
    func halfSentHead() async throws {
        try await withLiveServer(connectionLimits: Self.tight) { server in
            let socket = try ClientSocket(port: server.port, receiveTimeout: 10)
            let (bytes, closed, elapsed) = try await Self.timed {
                try socket.send("GET /4827163 HTTP/1.1\r\nHost: x\r\n")
                return socket.receiveAll()
            }
            #expect(closed, "the connection was still open after 10 s")
            #expect(elapsed < .seconds(3), "closed after \(elapsed)")
            #expect(String(decoding: bytes, as: UTF8.self).hasPrefix("HTTP/1.1 408 Request Timeout"))
        }
    }

    @Test("a head trickled a byte at a time cannot outlive the head deadline")
    func trickledHead() async throws {
        try await withLiveServer(connectionLimits: Self.tight) { server in
            let socket = try ClientSocket(port: server.port, receiveTimeout: 1)
            // 54 bytes, one per 100 ms: at least 5.4 s to send, against a 1 s head deadline.
            var refusedAfter: Int?
            let head = "GET /4827163 HTTP/1.1\r\nHost: x\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
            for (index, character) in head.enumerated() {
                if (try? socket.send(String(character))) == nil {
                    refusedAfter = index
                    break
                }
                try await Task.sleep(for: .milliseconds(100))
            }
            let sent = try #require(refusedAfter, "the server let the whole trickled head in")
            #expect(sent < 54)
            let reply = try await offPool { socket.receiveAll().bytes }
            #expect(String(decoding: reply, as: UTF8.self).hasPrefix("HTTP/1.1 408"))
        }
    }

    @Test("a body that never finishes is closed within the body deadline")
    func unfinishedBody() async throws {
        try await withLiveServer(connectionLimits: Self.tight) { server in
            let socket = try ClientSocket(port: server.port, receiveTimeout: 10)
            let (_, closed, elapsed) = try await Self.timed {
                try socket.send(
                    "POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                        + "Content-Length: 1000\r\n\r\nlogin=a")
                return socket.receiveAll()
            }
            #expect(closed)
            #expect(elapsed < .seconds(3), "closed after \(elapsed)")
        }
    }

    @Test("an idle connection is closed after the idle timeout")
    func idleConnection() async throws {
        try await withLiveServer(connectionLimits: Self.tight) { server in
            let socket = try ClientSocket(port: server.port, receiveTimeout: 10)
            let (bytes, closed, elapsed) = try await Self.timed { socket.receiveAll() }
            #expect(closed)
            #expect(bytes.isEmpty)
            #expect(elapsed < .seconds(4), "closed after \(elapsed)")
        }
    }

    /// The requests answered from memory never reach Hummingbird's connection state handler, so its idle clock
    /// kept running on a busy connection; the connection's own deadlines keep the idle clock now.
    @Test("a connection busy with hot reads outlives the idle timeout")
    func busyWithHotReads() async throws {
        try await withLiveServer(connectionLimits: Self.tight) { server in
            try await HotReadsTests.waitForDirectory(server)
            let (replies, closed) = try await offPool {
                let socket = try ClientSocket(port: server.port, receiveTimeout: 10)
                for _ in 0..<8 {
                    try socket.send("GET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\n\r\n")
                    Thread.sleep(forTimeInterval: 0.5)
                }
                try socket.send("GET /api/v1/links/4827163 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let (bytes, closed) = socket.receiveAll()
                return (try WireResponse.split(bytes), closed)
            }
            #expect(closed && replies.count == 9, "\(replies.count) answers over 4 s with a 2 s idle timeout")
            #expect(replies.allSatisfy { $0.statusLine == "HTTP/1.1 200 OK" })
        }
    }

    @Test("2 000 idle connections do not stop a normal request from being served")
    func manyIdleConnections() async throws {
        let limits = ConnectionLimits(idleTimeout: 60, headTimeout: 10, bodyTimeout: 10, maximumConnections: 10_000)
        try await withLiveServer(connectionLimits: limits) { server in
            var idle: [ClientSocket] = []
            for index in 0..<2_000 {
                // Spread over several source addresses, as many clients would be.
                idle.append(try ClientSocket(port: server.port, from: "127.0.1.\(1 + index % 200)"))
            }
            // A fresh connection (the test client's own may have gone idle meanwhile) is served at once.
            let answer = try await RawHTTP.exchangeOffPool(port: server.port, Self.healthz)
            #expect(answer.hasPrefix("HTTP/1.1 200"))
            let page = try await RawHTTP.exchangeOffPool(
                port: server.port, "GET /4827163 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            #expect(page.hasPrefix("HTTP/1.1 200"))
            #expect(page.contains("Oak Street Pediatrics"))
            #expect(idle.count == 2_000)
        }
    }

    @Test("past the connection cap a new connection gets a clear 503, and is served again once others close")
    func connectionCap() async throws {
        let limits = ConnectionLimits(idleTimeout: 60, headTimeout: 10, bodyTimeout: 10, maximumConnections: 20)
        try await withLiveServer(connectionLimits: limits) { server in
            var idle: [ClientSocket] = []
            for _ in 0..<20 { idle.append(try ClientSocket(port: server.port)) }
            // Let the server accept them all before the one too many.
            try await Task.sleep(for: .milliseconds(300))
            let refused = try await RawHTTP.exchangeOffPool(port: server.port, Self.healthz)
            #expect(refused.hasPrefix("HTTP/1.1 503 Service Unavailable"))
            #expect(refused.contains("Retry-After: 5"))
            #expect(refused.contains("too many open connections"))
            idle.removeAll()
            var served = ""
            for _ in 0..<50 {
                try await Task.sleep(for: .milliseconds(100))
                served = try await RawHTTP.exchangeOffPool(port: server.port, Self.healthz)
                if served.hasPrefix("HTTP/1.1 200") { break }
            }
            #expect(served.hasPrefix("HTTP/1.1 200"))
        }
    }

    @Test("/metrics is absent from the public port and present on the metrics listener")
    func metricsListener() async throws {
        try await withLiveServer { server in
            let request = "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            #expect(try await RawHTTP.exchangeOffPool(port: server.port, request).hasPrefix("HTTP/1.1 404"))
            let metrics = try await RawHTTP.exchangeOffPool(port: server.metricsPort, request)
            #expect(metrics.hasPrefix("HTTP/1.1 200"))
            #expect(metrics.contains("hb_requests"))
            #expect(metrics.contains("text/plain; version=0.0.4"))
            #expect(server.metricsPort != server.port)
        }
    }
}
