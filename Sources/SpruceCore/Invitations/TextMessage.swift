import Foundation

/// A text (SMS) message body with its encoding and segment count, per GSM 03.38 and 3GPP TS 23.040.
///
/// GSM-7 is chosen when every character is in the default alphabet or its extension table; otherwise UCS-2
/// (UTF-16 code units). One segment holds 160 septets or 70 code units; a concatenated message's segments hold
/// 153 septets or 67 code units (the rest is the user-data header). An extension character (ESC + char) and a
/// surrogate pair are never split across segments, so a segment may end one unit short.
///
/// ```swift
/// let message = TextMessage(body: "Oak Street Pediatrics invites you: https://spruce.care/i/…")
/// message.encoding   // .gsm7
/// message.segmentCount  // 1
/// ```
public struct TextMessage: Equatable, Sendable {
    /// The character set a message is sent in.
    public enum Encoding: String, Codable, Sendable {
        case gsm7
        case ucs2

        /// Units in a single-segment message.
        public var singleSegmentCapacity: Int { self == .gsm7 ? 160 : 70 }
        /// Units in each segment of a concatenated message.
        public var multipartSegmentCapacity: Int { self == .gsm7 ? 153 : 67 }
    }

    public let body: String
    public let encoding: Encoding
    /// Septets (GSM-7) or UTF-16 code units (UCS-2) in the body.
    public let unitCount: Int
    public let segmentCount: Int

    /// Measures `body`, first composed to NFC so that `é` typed as `e` + accent still fits GSM-7.
    public init(body: String) {
        let body = body.precomposedStringWithCanonicalMapping
        self.body = body
        var units: [Int] = []
        var encoding = Encoding.gsm7
        for scalar in body.unicodeScalars {
            guard let septets = GSMAlphabet.septets(scalar) else {
                encoding = .ucs2
                break
            }
            units.append(septets)
        }
        if encoding == .ucs2 { units = body.unicodeScalars.map { $0.utf16.count } }
        self.encoding = encoding
        self.unitCount = units.reduce(0, +)
        self.segmentCount = Self.segments(units, encoding: encoding)
    }

    /// True when the message needs more than one segment: the CLI warns, since each segment is billed.
    public var isMultipart: Bool { segmentCount > 1 }

    /// A one-line warning when the message takes more than one segment, else `nil`.
    public var warning: String? {
        guard isMultipart else { return nil }
        return
            "text message takes \(segmentCount) segments (\(unitCount) \(encoding == .gsm7 ? "GSM-7 septets" : "UCS-2 units"));"
            + " a single segment holds \(encoding.singleSegmentCapacity)"
    }

    /// Packs indivisible units (1 or 2 each) greedily into segments.
    static func segments(_ units: [Int], encoding: Encoding) -> Int {
        let total = units.reduce(0, +)
        if total == 0 { return 1 }
        if total <= encoding.singleSegmentCapacity { return 1 }
        let capacity = encoding.multipartSegmentCapacity
        var segments = 1
        var used = 0
        for unit in units {
            if used + unit > capacity {
                segments += 1
                used = 0
            }
            used += unit
        }
        return segments
    }
}
