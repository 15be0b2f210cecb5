import Foundation
import Logging

/// A wall-clock instant as the request log records it: seconds and nanoseconds since 1970.
struct WallTime: Sendable, Equatable {
    var seconds: Int
    var nanoseconds: Int

    static func now() -> WallTime {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return WallTime(seconds: time.tv_sec, nanoseconds: time.tv_nsec)
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
            out.append(contentsOf: #"{"client":""#.utf8)
            Self.appendJSONEscaped(entry.client, to: &out)
            out.append(contentsOf: #"","duration_ms":""#.utf8)
            Self.appendMilliseconds(entry.duration, to: &out)
            if let requestID {
                out.append(contentsOf: #"","hb.request.id":""#.utf8)
                Self.appendJSONEscaped(requestID, to: &out)
            }
            out.append(contentsOf: #"","http.method":""#.utf8)
            Self.appendJSONEscaped(entry.method.rawValue, to: &out)
            out.append(contentsOf: #"","http.route":""#.utf8)
            Self.appendJSONEscaped(entry.route ?? "unmatched", to: &out)
            out.append(contentsOf: #"","http.status":""#.utf8)
            Self.appendDecimal(entry.status, to: &out)
            appendJSONTail(level: "info", message: "request", time: entry.time, to: &out)
        case .text:
            appendTextHead(level: "info", time: entry.time, to: &out)
            out.append(contentsOf: " client=".utf8)
            out.append(contentsOf: entry.client.utf8)
            out.append(contentsOf: " duration_ms=".utf8)
            Self.appendMilliseconds(entry.duration, to: &out)
            if let requestID {
                out.append(contentsOf: " hb.request.id=".utf8)
                out.append(contentsOf: requestID.utf8)
            }
            out.append(contentsOf: " http.method=".utf8)
            out.append(contentsOf: entry.method.rawValue.utf8)
            out.append(contentsOf: " http.route=".utf8)
            out.append(contentsOf: (entry.route ?? "unmatched").utf8)
            out.append(contentsOf: " http.status=".utf8)
            Self.appendDecimal(entry.status, to: &out)
            out.append(contentsOf: " [SpruceServer] request\n".utf8)
        }
    }

    /// The warning that `count` lines were dropped because the queue was full.
    mutating func appendDropWarning(_ count: Int, at time: WallTime, to out: inout [UInt8]) {
        let message = "request log dropped lines: the log could not be written as fast as requests came"
        switch format {
        case .json:
            out.append(contentsOf: #"{"dropped":""#.utf8)
            Self.appendDecimal(count, to: &out)
            appendJSONTail(level: "warning", message: message, time: time, to: &out)
        case .text:
            appendTextHead(level: "warning", time: time, to: &out)
            out.append(contentsOf: " dropped=".utf8)
            Self.appendDecimal(count, to: &out)
            out.append(contentsOf: " [SpruceServer] \(message)\n".utf8)
        }
    }

    private mutating func appendJSONTail(level: String, message: String, time: WallTime, to out: inout [UInt8]) {
        out.append(contentsOf: #"","label":""#.utf8)
        out.append(contentsOf: label)
        out.append(contentsOf: #"","level":""#.utf8)
        out.append(contentsOf: level.utf8)
        out.append(contentsOf: #"","message":""#.utf8)
        Self.appendJSONEscaped(message, to: &out)
        out.append(contentsOf: #"","time":""#.utf8)
        out.append(contentsOf: timestamp(time))
        out.append(contentsOf: "\"}\n".utf8)
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
        for byte in text.utf8 {
            let escape: UInt8
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape = byte
            case 0x0A: escape = UInt8(ascii: "n")
            case 0x0D: escape = UInt8(ascii: "r")
            case 0x09: escape = UInt8(ascii: "t")
            case 0..<0x20:
                out.append(contentsOf: #"\u00"#.utf8)
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
