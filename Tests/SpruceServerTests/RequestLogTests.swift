import Foundation
import HTTPTypes
import Logging
import Synchronization
import Testing

@testable import SpruceServer

@Suite("The request log: written off the event loops, in order, nothing lost at shutdown, drops counted")
struct RequestLogTests {
    /// A file the log writes to, removed afterwards.
    final class LogFile: Sendable {
        let path: String
        let sink: FileDescriptorSink

        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent("request-log-\(UUID().uuidString).log")
                .path
            let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            sink = FileDescriptorSink(descriptor: descriptor)
        }

        func lines() throws -> [String] {
            String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
                .split(separator: "\n").map(String.init)
        }

        deinit {
            close(sink.descriptor)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    /// A sink that takes `delay` for every write, like a disk that cannot keep up.
    final class SlowSink: RequestLogSink {
        let file: LogFile
        let delay: TimeInterval
        private let writes = Atomic<Int>(0)

        init(file: LogFile, delay: TimeInterval) {
            self.file = file
            self.delay = delay
        }

        var writeCount: Int { writes.load(ordering: .relaxed) }

        func write(_ bytes: UnsafeRawBufferPointer) {
            Thread.sleep(forTimeInterval: delay)
            file.sink.write(bytes)
            writes.add(1, ordering: .relaxed)
        }
    }

    static func fields(_ line: String) throws -> [String: String] {
        let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
        return try #require(object as? [String: String], "not a JSON object of strings: \(line)")
    }

    @Test("every line arrives, in order per connection, from 16 concurrent writers")
    func concurrentWritersInOrder() async throws {
        let file = try LogFile()
        let log = RequestLog(settings: .init(capacity: 1_000_000), sink: file.sink)
        let connections = 16
        let perConnection = 500
        await withTaskGroup(of: Void.self) { group in
            for connection in 0..<connections {
                group.addTask {
                    for sequence in 0..<perConnection {
                        log.record(
                            method: .get, route: "/c/\(sequence)", status: .ok, elapsed: .microseconds(sequence),
                            client: "10.0.0.\(connection)")
                        if sequence % 100 == 0 { await Task.yield() }
                    }
                }
            }
        }
        await log.finish()
        let lines = try file.lines()
        #expect(lines.count == connections * perConnection)
        #expect(log.droppedCount == 0 && log.writtenCount == connections * perConnection)
        var next = [String: Int]()
        for line in lines {
            let fields = try Self.fields(line)
            let client = try #require(fields["client"])
            let route = try #require(fields["http.route"])
            #expect(route == "/c/\(next[client, default: 0])", "out of order for \(client)")
            next[client, default: 0] += 1
        }
        #expect(next.count == connections && next.values.allSatisfy { $0 == perConnection })
    }

    @Test("finishing writes every queued line; lines after it are dropped and counted")
    func shutdownLosesNothing() async throws {
        let file = try LogFile()
        let log = RequestLog(settings: .init(capacity: 100_000, gathering: .milliseconds(50)), sink: file.sink)
        for index in 0..<20_000 {
            log.record(method: .post, route: "/n/\(index)", status: .created, elapsed: .zero, client: "127.0.0.1")
        }
        await log.finish()
        let lines = try file.lines()
        #expect(lines.count == 20_000)
        #expect(try Self.fields(try #require(lines.last))["http.route"] == "/n/19999")
        log.record(method: .get, route: "/late", status: .ok, elapsed: .zero, client: "127.0.0.1")
        #expect(log.droppedCount == 1)
        await log.finish()
        #expect(try file.lines().count == 20_000)
    }

    @Test("a live server's graceful shutdown writes the line of every request it answered, hot reads included")
    func serverShutdownLosesNothing() async throws {
        let file = try LogFile()
        let sink = SlowSink(file: file, delay: 0.02)
        let paths = (0..<30).map { $0.isMultiple(of: 2) ? "/3914805" : "/healthz" }
        try await withLiveServer(requestLogSink: sink) { (server: LiveServer) async throws in
            for path in paths { #expect(try await server.browser().get(path).status == .ok) }
        }
        let routes = try file.lines().map { try Self.fields($0)["http.route"] ?? "" }
        #expect(routes.filter { $0 == "/{code}" }.count == 15)
        #expect(routes.filter { $0 == "/healthz" }.count == 15)
    }

    @Test("a sink slower than the requests: recording never waits, drops are counted and reported in a warning")
    func slowSinkDropsAndReports() async throws {
        let file = try LogFile()
        let sink = SlowSink(file: file, delay: 0.05)
        let log = RequestLog(settings: .init(capacity: 100, gathering: .zero), sink: sink)
        for index in 0..<20_000 {
            log.record(method: .get, route: "/s/\(index)", status: .ok, elapsed: .zero, client: "127.0.0.1")
        }
        // 20 000 requests went through while the sink managed only a handful of writes: nobody waited for it.
        #expect(sink.writeCount < 20)
        #expect(log.droppedCount > 10_000)
        await log.finish()
        let lines = try file.lines()
        let warnings = try lines.map(Self.fields).filter { $0["level"] == "warning" }
        #expect(!warnings.isEmpty)
        #expect(warnings.allSatisfy { $0["message"]?.hasPrefix("request log dropped lines") == true })
        let reported = warnings.compactMap { $0["dropped"].flatMap { Int($0) } }.reduce(0, +)
        #expect(reported == log.droppedCount)
        #expect(lines.count - warnings.count + log.droppedCount == 20_000)
    }

    @Test("a JSON line has today's fields, byte for byte as JSONSerialization lays them out")
    func jsonLineMatchesSerialization() throws {
        var formatter = RequestLogFormatter(format: .json, label: "sprucelink.server")
        let time = WallTime(seconds: 1_795_000_000, nanoseconds: 0)
        let cases: [(route: String?, client: String, requestID: Logger.MetadataValue?, milliseconds: String)] = [
            ("/{code}", "127.0.0.1", nil, "0.13"),
            ("/i/{token}", "::1", .string("42"), "0.13"),
            (nil, "10.0.0.1", nil, "0.13"),
            ("/odd\"route\\with\ncontrols\u{01}/é", "2001:db8::1", .string("a/b"), "0.13"),
        ]
        for item in cases {
            let entry = RequestLog.Entry(
                time: time, method: .get, route: item.route, status: 404, duration: .microseconds(125),
                client: item.client, requestID: item.requestID)
            var out: [UInt8] = []
            formatter.append(entry, to: &out)
            var fields: [String: String] = [
                "time": Date(timeIntervalSince1970: 1_795_000_000).formatted(.iso8601), "level": "info",
                "label": "sprucelink.server", "message": "request", "http.method": "GET",
                "http.route": item.route ?? "unmatched", "http.status": "404", "duration_ms": item.milliseconds,
                "client": item.client,
            ]
            if let requestID = item.requestID { fields["hb.request.id"] = requestID.description }
            var expected = try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
            expected.append(UInt8(ascii: "\n"))
            #expect(String(decoding: out, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        }
    }

    @Test("a text line is laid out as swift-log's StreamLogHandler lays it out")
    func textLine() throws {
        var formatter = RequestLogFormatter(format: .text, label: "sprucelink.server")
        let entry = RequestLog.Entry(
            time: WallTime.now(), method: .post, route: "/login", status: 303, duration: .milliseconds(12),
            client: "127.0.0.1", requestID: .string("7"))
        var out: [UInt8] = []
        formatter.append(entry, to: &out)
        let line = String(decoding: out, as: UTF8.self)
        let pattern =
            #/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4} info sprucelink.server: client=127.0.0.1 duration_ms=12.00 hb.request.id=7 http.method=POST http.route=/login http.status=303 \[SpruceServer\] request\n$/#
        #expect(line.wholeMatch(of: pattern) != nil, "\(line)")
    }

    @Test(
        "durations are milliseconds with two decimals, rounded",
        arguments: [
            (Duration.zero, "0.00"), (.nanoseconds(4_999), "0.00"), (.nanoseconds(5_000), "0.01"),
            (.microseconds(1_234), "1.23"), (.seconds(2), "2000.00"),
        ])
    func milliseconds(duration: Duration, expected: String) {
        var out: [UInt8] = []
        RequestLogFormatter.appendMilliseconds(duration, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == expected)
    }
}
