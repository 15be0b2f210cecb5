import Foundation
import HTTPTypes
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// A wall-clock instant as the request log records it: seconds and nanoseconds since 1970.
struct WallTime: Sendable, Equatable {
    var seconds: Int
    var nanoseconds: Int

    /// Foundation's clock rather than `clock_gettime`: release builds find `timespec` only through Dispatch's C
    /// module, which member import visibility refuses; a double keeps well under a microsecond at today's dates.
    static func now() -> WallTime {
        let since1970 = Date().timeIntervalSince1970
        let seconds = since1970.rounded(.down)
        return WallTime(seconds: Int(seconds), nanoseconds: Int((since1970 - seconds) * 1_000_000_000))
    }
}

/// Lays request lines out as bytes, on the request log's thread. The timestamp is formatted once per second and
/// reused; every other field is copied straight into the caller's buffer.
///
/// JSON lines match ``JSONLogHandler`` (sorted keys, values as strings, `/` escaped as `JSONSerialization` does);
/// text lines match swift-log's `StreamLogHandler` (`time level label: key=value … [SpruceServer] message`).
struct RequestLogFormatter {
    let format: RequestLog.Format
    private let label: [UInt8]
    private var stampSecond = Int.min
    private var stamp: [UInt8] = []
    /// Route templates (a few dozen) as they appear in a line, escaped once.
    private var routes: [String: [UInt8]] = [:]

    init(format: RequestLog.Format, label: String) {
        self.format = format
        switch format {
        case .json:
            var escaped: [UInt8] = []
            Self.appendJSONEscaped(label, to: &escaped)
            self.label = escaped
        case .text:
            self.label = Array(label.utf8)
        }
    }

    mutating func append(_ entry: RequestLog.Entry, to out: inout [UInt8]) {
        let requestID = entry.requestID?.description
        switch format {
        case .json:
            out.append(contentsOf: Bytes.jsonClient)
            Self.appendJSONEscaped(entry.client, to: &out)
            out.append(contentsOf: Bytes.jsonDuration)
            Self.appendMilliseconds(entry.duration, to: &out)
            if let requestID {
                out.append(contentsOf: Bytes.jsonRequestID)
                Self.appendJSONEscaped(requestID, to: &out)
            }
            out.append(contentsOf: Bytes.jsonMethod)
            Self.appendJSONEscaped(entry.method.rawValue, to: &out)
            out.append(contentsOf: Bytes.jsonRoute)
            out.append(contentsOf: escapedRoute(entry.route ?? "unmatched"))
            out.append(contentsOf: Bytes.jsonStatus)
            Self.appendDecimal(entry.status, to: &out)
            appendJSONTail(level: "info", message: "request", time: entry.time, to: &out)
        case .text:
            appendTextHead(level: "info", time: entry.time, to: &out)
            out.append(contentsOf: Bytes.textClient)
            out.append(contentsOf: entry.client.utf8)
            out.append(contentsOf: Bytes.textDuration)
            Self.appendMilliseconds(entry.duration, to: &out)
            if let requestID {
                out.append(contentsOf: Bytes.textRequestID)
                out.append(contentsOf: requestID.utf8)
            }
            out.append(contentsOf: Bytes.textMethod)
            out.append(contentsOf: entry.method.rawValue.utf8)
            out.append(contentsOf: Bytes.textRoute)
            out.append(contentsOf: (entry.route ?? "unmatched").utf8)
            out.append(contentsOf: Bytes.textStatus)
            Self.appendDecimal(entry.status, to: &out)
            out.append(contentsOf: Bytes.textRequestEnd)
        }
    }

    /// The route's escaped bytes, from the cache (which stops growing at 1 024 routes).
    private mutating func escapedRoute(_ route: String) -> [UInt8] {
        if let known = routes[route] { return known }
        var escaped: [UInt8] = []
        Self.appendJSONEscaped(route, to: &escaped)
        if routes.count < 1_024 { routes[route] = escaped }
        return escaped
    }

    /// The warning that `count` lines were dropped because the queue was full.
    mutating func appendDropWarning(_ count: Int, at time: WallTime, to out: inout [UInt8]) {
        let message = "request log dropped lines: the log could not be written as fast as requests came"
        switch format {
        case .json:
            out.append(contentsOf: Bytes.jsonDropped)
            Self.appendDecimal(count, to: &out)
            appendJSONTail(level: "warning", message: message, time: time, to: &out)
        case .text:
            appendTextHead(level: "warning", time: time, to: &out)
            out.append(contentsOf: Bytes.textDropped)
            Self.appendDecimal(count, to: &out)
            out.append(contentsOf: " [SpruceServer] \(message)\n".utf8)
        }
    }

    private mutating func appendJSONTail(level: String, message: String, time: WallTime, to out: inout [UInt8]) {
        out.append(contentsOf: Bytes.jsonLabel)
        out.append(contentsOf: label)
        out.append(contentsOf: Bytes.jsonLevel)
        out.append(contentsOf: level.utf8)
        out.append(contentsOf: Bytes.jsonMessage)
        Self.appendJSONEscaped(message, to: &out)
        out.append(contentsOf: Bytes.jsonTime)
        out.append(contentsOf: timestamp(time))
        out.append(contentsOf: Bytes.jsonEnd)
    }

    private mutating func appendTextHead(level: String, time: WallTime, to out: inout [UInt8]) {
        out.append(contentsOf: timestamp(time))
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: level.utf8)
        out.append(UInt8(ascii: " "))
        out.append(contentsOf: label)
        out.append(UInt8(ascii: ":"))
    }

    /// JSON: `2026-11-29T20:39:49Z` (UTC, as `Date.formatted(.iso8601)`); text: local time with its offset, as
    /// `StreamLogHandler` writes it (`%Y-%m-%dT%H:%M:%S%z`).
    private mutating func timestamp(_ time: WallTime) -> [UInt8] {
        if time.seconds == stampSecond { return stamp }
        var seconds = time_t(time.seconds)
        var parts = tm()
        let pattern = format == .json ? "%Y-%m-%dT%H:%M:%SZ" : "%Y-%m-%dT%H:%M:%S%z"
        if format == .json { gmtime_r(&seconds, &parts) } else { localtime_r(&seconds, &parts) }
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        stamp = buffer.prefix(count).map { UInt8(bitPattern: $0) }
        stampSecond = time.seconds
        return stamp
    }

    /// Milliseconds with two decimals, rounded: `0.07`, `12.50`.
    static func appendMilliseconds(_ duration: Duration, to out: inout [UInt8]) {
        let hundredths = max(0, (duration.totalNanoseconds + 5_000) / 10_000)
        appendDecimal(Int(hundredths / 100), to: &out)
        out.append(UInt8(ascii: "."))
        let fraction = Int(hundredths % 100)
        out.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        out.append(UInt8(ascii: "0") + UInt8(fraction % 10))
    }

    static func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        if value < 0 {
            out.append(UInt8(ascii: "-"))
            appendDecimal(0 &- value, to: &out)
            return
        }
        if value >= 10 { appendDecimal(value / 10, to: &out) }
        out.append(UInt8(ascii: "0") + UInt8(value % 10))
    }

    /// The string's UTF-8 with JSON escapes as `JSONSerialization` writes them (`"`, `\`, `/`, control bytes).
    static func appendJSONEscaped(_ text: String, to out: inout [UInt8]) {
        if !text.utf8.contains(where: {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == UInt8(ascii: "/")
        }) {
            out.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape = byte
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x09: escape = UInt8(ascii: "t")
            case 0..<0x20:
                out.append(contentsOf: Bytes.unicodeEscape)
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0xF)])
                continue
            default:
                out.append(byte)
                continue
            }
            out.append(UInt8(ascii: "\\"))
            out.append(escape)
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// The fixed parts of a line, as bytes once.
private enum Bytes {
    static let jsonClient: [UInt8] = Array(#"{"client":""#.utf8)
    static let jsonDuration: [UInt8] = Array(#"","duration_ms":""#.utf8)
    static let jsonRequestID: [UInt8] = Array(#"","hb.request.id":""#.utf8)
    static let jsonMethod: [UInt8] = Array(#"","http.method":""#.utf8)
    static let jsonRoute: [UInt8] = Array(#"","http.route":""#.utf8)
    static let jsonStatus: [UInt8] = Array(#"","http.status":""#.utf8)
    static let textClient: [UInt8] = Array(" client=".utf8)
    static let textDuration: [UInt8] = Array(" duration_ms=".utf8)
    static let textRequestID: [UInt8] = Array(" hb.request.id=".utf8)
    static let textMethod: [UInt8] = Array(" http.method=".utf8)
    static let textRoute: [UInt8] = Array(" http.route=".utf8)
    static let textStatus: [UInt8] = Array(" http.status=".utf8)
    static let jsonDropped: [UInt8] = Array(#"{"dropped":""#.utf8)
    static let textDropped: [UInt8] = Array(" dropped=".utf8)
    static let jsonLabel: [UInt8] = Array(#"","label":""#.utf8)
    static let jsonLevel: [UInt8] = Array(#"","level":""#.utf8)
    static let jsonMessage: [UInt8] = Array(#"","message":""#.utf8)
    static let jsonTime: [UInt8] = Array(#"","time":""#.utf8)
    static let unicodeEscape: [UInt8] = Array(#"\u00"#.utf8)
    static let textRequestEnd: [UInt8] = Array(" [SpruceServer] request\n".utf8)
    static let jsonEnd: [UInt8] = Array("\"}\n".utf8)
}
