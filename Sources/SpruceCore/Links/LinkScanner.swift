/// The hand-written scanner behind ``ScannedLink/parse(_:hosts:)``: one pass over the UTF-8 bytes, no decoding.
///
/// Foundation's `URL` and `URLComponents` are not used on purpose: they are lenient and disagree with browsers
/// and across platforms (on Linux, `https://spruce.care\@evil.example/` yields host `evil.example` where a
/// browser goes to `spruce.care`), and this is a security boundary whose every rule must be ours and tested.
/// All indexing goes through `Array`, so a slip is a trap, never an out-of-bounds read.
enum LinkScanner {
    private enum Scheme {
        case none
        case http
        case https
    }

    static func scan(_ bytes: [UInt8], hosts: [String]) throws(ScanError) -> ScannedLink {
        var start = 0
        var end = bytes.count
        while start < end, isTrimmable(bytes[start]) { start += 1 }
        while end > start, isTrimmable(bytes[end - 1]) { end -= 1 }

        if let offset = firstControl(bytes, start, end) { throw .controlCharacter(offset: offset - start) }
        guard start < end else { throw .invalidCode(.empty) }

        // Scheme.
        var cursor = start
        var scheme = Scheme.none
        if let colon = schemeColon(bytes, start, end) {
            if equalsIgnoringCase(bytes, start, colon, "https") {
                scheme = .https
            } else if equalsIgnoringCase(bytes, start, colon, "http") {
                scheme = .http
            } else if !(contains(bytes, start, colon, .dot) && isPortThenPath(bytes, colon + 1, end)) {
                throw .schemeNotAllowed(excerpt(bytes, start, colon, limit: 32))
            }
            if scheme != .none { cursor = colon + 1 }
        }

        // Backslashes before the query or fragment.
        var index = start
        while index < end, bytes[index] != .questionMark, bytes[index] != .hash {
            if bytes[index] == .backslash { throw .backslash(offset: index - start) }
            index += 1
        }

        // Where the authority starts: after `//`, or at once for `host/…` without a scheme.
        let hasSlashes = cursor + 1 < end && bytes[cursor] == .slash && bytes[cursor + 1] == .slash
        if scheme != .none {
            guard hasSlashes else {
                throw .missingSlashes(scheme: scheme == .https ? "https" : "http")
            }
            cursor += 2
        } else if hasSlashes {
            cursor += 2
        } else if !containsAny(bytes, start, end, .slash, .dot, .colon) {
            return try practice(bytes, start, end, attribution: ScannedLink.Attribution())
        } else if bytes[cursor] == .slash {
            throw .missingHost
        }

        // Authority: up to the first `/`, `?` or `#`, as browsers read it.
        var authorityEnd = cursor
        var lastAt: Int?
        var hasPercent = false
        while authorityEnd < end {
            let byte = bytes[authorityEnd]
            if byte == .slash || byte == .questionMark || byte == .hash { break }
            if byte == .at { lastAt = authorityEnd }
            if byte == .percent { hasPercent = true }
            authorityEnd += 1
        }
        let hostStart = lastAt.map { $0 + 1 } ?? cursor
        var hostEnd = authorityEnd
        var portStart: Int?
        if hostStart < authorityEnd, bytes[hostStart] == .leftBracket {
            // IPv6 literal: the port, if any, follows the closing bracket. It is foreign anyway.
            if let close = firstIndex(of: .rightBracket, bytes, hostStart, authorityEnd),
                close + 1 < authorityEnd, bytes[close + 1] == .colon
            {
                hostEnd = close + 1
                portStart = close + 2
            }
        } else if let colon = firstIndex(of: .colon, bytes, hostStart, authorityEnd) {
            hostEnd = colon
            portStart = colon + 1
        }
        let isOurs = isConfigured(bytes, hostStart, hostEnd, hosts: hosts)
        if lastAt != nil {
            // `spruce.care%2f@evil`: the percent disguises where the link really goes, so name that host.
            if hasPercent, !isOurs, hostStart < hostEnd { throw .foreignHost(hostExcerpt(bytes, hostStart, hostEnd)) }
            throw .userInfo
        }
        guard hostStart < hostEnd else { throw .missingHost }
        guard isOurs else { throw .foreignHost(hostExcerpt(bytes, hostStart, hostEnd)) }
        if let portStart {
            let allowed: Bool
            switch scheme {
            case .https: allowed = equalsIgnoringCase(bytes, portStart, authorityEnd, "443")
            case .http: allowed = equalsIgnoringCase(bytes, portStart, authorityEnd, "80")
            case .none:
                allowed =
                    equalsIgnoringCase(bytes, portStart, authorityEnd, "443")
                    || equalsIgnoringCase(bytes, portStart, authorityEnd, "80")
            }
            guard allowed else { throw .portNotAllowed(excerpt(bytes, portStart, authorityEnd, limit: 16)) }
        }

        // Query and fragment, raw.
        var pathEnd = authorityEnd
        while pathEnd < end, bytes[pathEnd] != .questionMark, bytes[pathEnd] != .hash { pathEnd += 1 }
        var attribution = ScannedLink.Attribution()
        var isScan = false
        if pathEnd < end {
            if bytes[pathEnd] == .questionMark {
                let queryEnd = firstIndex(of: .hash, bytes, pathEnd + 1, end) ?? end
                if ScanMarker.isMarker(bytes[(pathEnd + 1)..<queryEnd]) {
                    isScan = true
                } else {
                    attribution.query = text(bytes, pathEnd + 1, queryEnd)
                }
                if queryEnd < end { attribution.fragment = text(bytes, queryEnd + 1, end) }
            } else {
                attribution.fragment = text(bytes, pathEnd + 1, end)
            }
        }

        // Path: `/<code>` or `/i/<token>`, one optional trailing slash.
        guard pathEnd - authorityEnd > 1 else { throw .invalidCode(.empty) }
        var segments: [Range<Int>] = []
        segments.reserveCapacity(4)
        var segmentStart = authorityEnd + 1
        for position in (authorityEnd + 1)...pathEnd where position == pathEnd || bytes[position] == .slash {
            segments.append(segmentStart..<position)
            segmentStart = position + 1
        }
        let rawCount = segments.count
        if segments.count >= 2, segments[segments.count - 1].isEmpty { segments.removeLast() }
        let first = segments[0]

        if rawCount >= 2, equalsIgnoringCase(bytes, first.lowerBound, first.upperBound, "i") {
            let tokenRange = segments.count >= 2 ? segments[1] : first.upperBound..<first.upperBound
            let token: InvitationToken
            do {
                token = try InvitationToken(text(bytes, tokenRange.lowerBound, tokenRange.upperBound))
            } catch {
                throw .invalidToken(error)
            }
            if segments.count > 2 { throw extraSegment(bytes, segments[2]) }
            return ScannedLink(target: .invitation(token), attribution: attribution, isScan: isScan)
        }
        let link = try practice(bytes, first.lowerBound, first.upperBound, attribution: attribution)
        if segments.count > 1 { throw extraSegment(bytes, segments[1]) }
        return ScannedLink(target: link.target, attribution: attribution, isScan: isScan)
    }

    // MARK: - Pieces

    private static func practice(
        _ bytes: [UInt8],
        _ start: Int,
        _ end: Int,
        attribution: ScannedLink.Attribution
    ) throws(ScanError) -> ScannedLink {
        do {
            return ScannedLink(target: .practice(try LinkCode(text(bytes, start, end))), attribution: attribution)
        } catch {
            throw .invalidCode(error)
        }
    }

    private static func extraSegment(_ bytes: [UInt8], _ range: Range<Int>) -> ScanError {
        .extraPathSegment(excerpt(bytes, range.lowerBound, range.upperBound, limit: 64))
    }

    /// The offset of the first C0 control, DEL, or C1 control (U+0080…U+009F, encoded `C2 80`…`C2 9F`).
    private static func firstControl(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var index = start
        while index < end {
            let byte = bytes[index]
            if ASCII.isControl(byte) { return index }
            if byte == 0xC2, index + 1 < end, (0x80...0x9F).contains(bytes[index + 1]) { return index }
            index += 1
        }
        return nil
    }

    /// The index of the `:` ending a scheme (`ALPHA *(ALPHA / DIGIT / "+" / "-" / ".")`), if the input starts with one.
    private static func schemeColon(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        guard isLetter(bytes[start]) else { return nil }
        var index = start + 1
        while index < end {
            let byte = bytes[index]
            if byte == .colon { return index }
            guard isLetter(byte) || ASCII.isDigit(byte) || byte == .plus || byte == .hyphen || byte == .dot else {
                return nil
            }
            index += 1
        }
        return nil
    }

    /// Whether `start..<end` is digits (possibly none) then the end or a `/`, `?`, `#`: a port, not a scheme's body.
    private static func isPortThenPath(_ bytes: [UInt8], _ start: Int, _ end: Int) -> Bool {
        var index = start
        while index < end, ASCII.isDigit(bytes[index]) { index += 1 }
        return index == end || bytes[index] == .slash || bytes[index] == .questionMark || bytes[index] == .hash
    }

    /// Whether the host is configured: same name in ASCII case, optionally `www.`-prefixed and dot-terminated.
    private static func isConfigured(_ bytes: [UInt8], _ start: Int, _ end: Int, hosts: [String]) -> Bool {
        var hostEnd = end
        if hostEnd > start, bytes[hostEnd - 1] == .dot { hostEnd -= 1 }
        guard hostEnd > start else { return false }
        let withoutWWW = equalsIgnoringCase(bytes, start, min(start + 4, hostEnd), "www.") ? start + 4 : start
        for host in hosts {
            var configured = Substring(host)
            if configured.hasSuffix(".") { configured.removeLast() }
            if equalsIgnoringCase(bytes, start, hostEnd, configured)
                || equalsIgnoringCase(bytes, withoutWWW, hostEnd, configured)
            {
                return true
            }
        }
        return false
    }

    private static func hostExcerpt(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        excerpt(bytes, start, end, limit: 253)
    }

    /// A short, lowercased, escaped rendering of input bytes for an error message: bytes outside
    /// `a-z 0-9 - . _ ~ : [ ] %` become `%XX`, and past `limit` characters the rest becomes `…`.
    static func excerpt(_ bytes: [UInt8], _ start: Int, _ end: Int, limit: Int) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(min(end - start, limit) + 3)
        var index = start
        while index < end {
            var byte = bytes[index]
            if ASCII.isUppercaseLetter(byte) { byte += 0x20 }
            let isSafe =
                ASCII.isLowercaseLetter(byte) || ASCII.isDigit(byte) || byte == .hyphen || byte == .dot
                || byte == .underscore || byte == .tilde || byte == .colon || byte == .leftBracket
                || byte == .rightBracket || byte == .percent
            let width = isSafe ? 1 : 3
            guard output.count + width <= limit else {
                return String(decoding: output, as: UTF8.self) + "…"
            }
            if isSafe {
                output.append(byte)
            } else {
                output.append(.percent)
                output.append(hexDigits[Int(byte >> 4)])
                output.append(hexDigits[Int(byte & 0x0F)])
            }
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    // MARK: - Byte helpers

    private static func text(_ bytes: [UInt8], _ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    private static func isTrimmable(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        ASCII.isLowercaseLetter(byte) || ASCII.isUppercaseLetter(byte)
    }

    private static func equalsIgnoringCase(_ bytes: [UInt8], _ start: Int, _ end: Int, _ other: some StringProtocol)
        -> Bool
    {
        let utf8 = other.utf8
        guard end - start == utf8.count else { return false }
        var index = start
        for expected in utf8 {
            var byte = bytes[index]
            if ASCII.isUppercaseLetter(byte) { byte += 0x20 }
            var wanted = expected
            if ASCII.isUppercaseLetter(wanted) { wanted += 0x20 }
            guard byte == wanted else { return false }
            index += 1
        }
        return true
    }

    private static func contains(_ bytes: [UInt8], _ start: Int, _ end: Int, _ wanted: UInt8) -> Bool {
        firstIndex(of: wanted, bytes, start, end) != nil
    }

    private static func containsAny(_ bytes: [UInt8], _ start: Int, _ end: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8)
        -> Bool
    {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == a || byte == b || byte == c { return true }
            index += 1
        }
        return false
    }

    private static func firstIndex(of wanted: UInt8, _ bytes: [UInt8], _ start: Int, _ end: Int) -> Int? {
        var index = start
        while index < end {
            if bytes[index] == wanted { return index }
            index += 1
        }
        return nil
    }
}

extension UInt8 {
    fileprivate static let slash = UInt8(ascii: "/")
    fileprivate static let backslash = UInt8(ascii: "\\")
    fileprivate static let colon = UInt8(ascii: ":")
    fileprivate static let dot = UInt8(ascii: ".")
    fileprivate static let at = UInt8(ascii: "@")
    fileprivate static let percent = UInt8(ascii: "%")
    fileprivate static let questionMark = UInt8(ascii: "?")
    fileprivate static let hash = UInt8(ascii: "#")
    fileprivate static let plus = UInt8(ascii: "+")
    fileprivate static let hyphen = UInt8(ascii: "-")
    fileprivate static let underscore = UInt8(ascii: "_")
    fileprivate static let tilde = UInt8(ascii: "~")
    fileprivate static let leftBracket = UInt8(ascii: "[")
    fileprivate static let rightBracket = UInt8(ascii: "]")
}
