import Foundation
import Testing

@testable import SpruceCore

@Suite("Scan marker")
struct ScanMarkerTests {
    static let token = "abcdefghjkmnpqrstuvwxyz234"

    /// (input, is a scan, query kept as attribution)
    static let cases: [(String, Bool, String?)] = [
        ("https://spruce.care/48271630?qr", true, nil),
        ("HTTPS://SPRUCE.CARE/48271630?qr", true, nil),
        ("HTTPS://SPRUCE.CARE/OAK-STREET-PEDIATRICS?qr", true, nil),
        ("https://spruce.care/48271630/?qr", true, nil),
        ("https://spruce.care/48271630?qr#top", true, nil),
        ("https://spruce.care/48271630", false, nil),
        ("https://spruce.care/48271630?", false, ""),
        ("https://spruce.care/48271630?QR", false, "QR"),
        ("https://spruce.care/48271630?qr=1", false, "qr=1"),
        ("https://spruce.care/48271630?qr&qr", false, "qr&qr"),
        ("https://spruce.care/48271630?qr?qr", false, "qr?qr"),
        ("https://spruce.care/48271630?qr&utm_source=flyer", false, "qr&utm_source=flyer"),
        ("https://spruce.care/48271630?utm_source=flyer&qr", false, "utm_source=flyer&qr"),
        ("https://spruce.care/48271630?%71r", false, "%71r"),
        ("https://spruce.care/48271630?qr%00", false, "qr%00"),
        ("https://spruce.care/48271630?qr<script>", false, "qr<script>"),
        ("https://spruce.care/48271630#qr", false, nil),
        ("https://spruce.care/i/\(token)?qr", true, nil),
        ("HTTPS://SPRUCE.CARE/i/\(token.uppercased())?qr", true, nil),
    ]

    @Test("the parser accepts and strips the exact marker, and keeps anything else as attribution", arguments: cases)
    func parse(_ input: String, _ isScan: Bool, _ query: String?) throws {
        let link = try ScannedLink.parse(input)
        #expect(link.isScan == isScan)
        #expect(link.attribution.query == query)
        #expect(!link.url().contains("?"))
    }

    @Test("a marked link resolves to the same target as the plain one")
    func sameTarget() throws {
        let plain = try ScannedLink.parse("https://spruce.care/oak-street-pediatrics")
        let code = try LinkCode("oak-street-pediatrics")
        let marked = try ScannedLink.parse(ScanMarker.codeText(for: .practice(code), origin: "https://spruce.care"))
        #expect(marked.target == plain.target)
        #expect(marked.isScan)
        let invitation = try ScannedLink.Target.invitation(InvitationToken(Self.token))
        let markedInvitation = try ScannedLink.parse(
            ScanMarker.codeText(for: invitation, origin: "https://spruce.care/"))
        #expect(markedInvitation.target == invitation)
    }

    @Test("the rendered text is the uppercase URL with the marker")
    func codeText() throws {
        let text = ScanMarker.codeText(for: .practice(try LinkCode("48271630")), origin: "https://spruce.care")
        #expect(text == "HTTPS://SPRUCE.CARE/48271630?qr")
        let token = try InvitationToken(Self.token)
        #expect(
            ScanMarker.codeText(for: .invitation(token), origin: "http://127.0.0.1:8080")
                == "HTTP://127.0.0.1:8080/i/\(Self.token.uppercased())?qr")
    }

    @Test(
        "the server's query test",
        arguments: [("qr", true), ("QR", false), ("qr&qr", false), ("", false), ("q", false)])
    func marker(_ query: String, _ expected: Bool) {
        #expect(ScanMarker.isMarker(query.utf8) == expected)
    }
}

@Suite("Traffic classifier")
struct TrafficClassifierTests {
    static let browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"

    /// (method, Purpose, Sec-Purpose, User-Agent, expected)
    static let cases: [(String, String?, String?, String?, TrafficClassifier.Traffic)] = [
        ("GET", nil, nil, browser, .person),
        ("GET", nil, nil, nil, .person),
        ("POST", nil, nil, browser, .person),
        ("HEAD", nil, nil, browser, .preview),
        ("GET", "prefetch", nil, browser, .preview),
        ("GET", nil, "prefetch", browser, .preview),
        ("GET", nil, "prefetch;prerender", browser, .preview),
        ("GET", "Prefetch", nil, browser, .preview),
        ("GET", nil, "anonymous-client-ip", browser, .person),
        ("GET", nil, nil, "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)", .preview),
        ("GET", nil, nil, "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", .preview),
        ("GET", nil, nil, "WhatsApp/2.23.20.0 A", .preview),
        ("GET", nil, nil, "Twitterbot/1.0", .preview),
        ("GET", nil, nil, "TelegramBot (like TwitterBot)", .preview),
        ("GET", nil, nil, "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)", .preview),
        (
            "GET", nil, nil, "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
            .preview
        ),
        ("GET", nil, nil, "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.17328; Pro)", .preview),
        ("GET", nil, nil, "Mozilla/4.0 (compatible; ms-office; MSOffice 16)", .preview),
        ("GET", nil, nil, "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", .preview),
        ("GET", nil, nil, "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", .preview),
        ("GET", nil, nil, "MOZILLA/5.0 (COMPATIBLE; BINGBOT/2.0)", .preview),
        ("GET", nil, nil, String(repeating: "a", count: 600) + "Googlebot", .person),
    ]

    @Test("people, bots, previews and prefetches", arguments: cases)
    func classify(
        _ method: String, _ purpose: String?, _ secPurpose: String?, _ agent: String?,
        _ expected: TrafficClassifier.Traffic
    ) {
        #expect(
            TrafficClassifier.classify(method: method, purpose: purpose, secPurpose: secPurpose, userAgent: agent)
                == expected)
    }

    @Test("every agent the issue names is in the one list")
    func namedAgents() {
        for name in [
            "Slackbot", "facebookexternalhit", "WhatsApp", "Twitterbot", "TelegramBot", "Discordbot", "LinkedInBot",
            "Microsoft Office", "Googlebot", "bingbot",
        ] {
            #expect(TrafficClassifier.previewAgents.contains(name.lowercased()), "\(name)")
        }
        #expect(TrafficClassifier.previewAgents.allSatisfy { $0 == $0.lowercased() })
    }
}

@Suite("HyperLogLog")
struct HyperLogLogTests {
    private static func sketch(distinct: Int, seed: UInt64, repeats: Int = 1) -> HyperLogLog {
        var sketch = HyperLogLog()
        for _ in 0..<repeats {
            var generator = SplitMix64(seed: seed)
            for _ in 0..<distinct { sketch.add(hash: generator.next()) }
        }
        return sketch
    }

    @Test("the precision's standard error is about 0.81 %")
    func standardError() {
        #expect(HyperLogLog.registerCount == 16_384)
        #expect(abs(HyperLogLog.standardError - 0.008125) < 0.0001)
    }

    @Test("estimates are within 2 % of the truth", arguments: [(10_000, UInt64(1)), (10_000, 7), (1_000_000, 3)])
    func accuracy(_ distinct: Int, _ seed: UInt64) {
        let estimate = Self.sketch(distinct: distinct, seed: seed).estimate
        let error = abs(Double(estimate - distinct)) / Double(distinct)
        #expect(error < 0.02, "estimate \(estimate) for \(distinct)")
    }

    @Test("the same visitors again do not count again; small counts are near exact")
    func repeats() {
        #expect(Self.sketch(distinct: 100, seed: 9, repeats: 5).estimate == 100)
        #expect(HyperLogLog().estimate == 0)
        #expect(HyperLogLog().isEmpty)
    }

    @Test("merging two instances' sketches counts the union")
    func merge() {
        var left = HyperLogLog()
        var right = HyperLogLog()
        var generator = SplitMix64(seed: 11)
        for index in 0..<20_000 {
            let hash = generator.next()
            if index < 12_000 { left.add(hash: hash) }
            if index >= 8_000 { right.add(hash: hash) }
        }
        left.merge(right)
        #expect(abs(left.estimate - 20_000) < 400)
    }

    @Test("the stored bytes read back, sparse while small and dense when full")
    func bytes() throws {
        let small = Self.sketch(distinct: 50, seed: 2)
        #expect(small.bytes.count == 2 + 50 * 3)
        #expect(try HyperLogLog(bytes: small.bytes) == small)
        let large = Self.sketch(distinct: 100_000, seed: 2)
        #expect(large.bytes.count == 2 + HyperLogLog.registerCount)
        #expect(try HyperLogLog(bytes: large.bytes) == large)
    }

    @Test(
        "broken bytes are refused",
        arguments: [[], [1], [2, 0], [1, 9], [1, 1, 0xFF, 0xFF, 1], [1, 1, 0, 0, 99], [1, 1, 0]])
    func broken(_ bytes: [UInt8]) {
        #expect(throws: FunnelInputError.self) { try HyperLogLog(bytes: bytes) }
    }
}

@Suite("Visitor keys")
struct VisitorKeysTests {
    @Test("a visitor hashes the same within a day, differently across days and keys")
    func hashes() throws {
        var keys = VisitorKeys()
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        keys.rotate(now: now)
        let today = LocalDay(now, in: .gmt)
        let first = try #require(keys.hash(address: "203.0.113.9", userAgent: "Safari", day: today))
        #expect(keys.hash(address: "203.0.113.9", userAgent: "Safari", day: today) == first)
        #expect(keys.hash(address: "203.0.113.9", userAgent: "Firefox", day: today) != first)
        #expect(keys.hash(address: "203.0.113.9", userAgent: "Safari", day: today.adding(days: -1)) != first)
        var other = VisitorKeys()
        other.rotate(now: now)
        #expect(other.hash(address: "203.0.113.9", userAgent: "Safari", day: today) != first)
    }

    @Test("keys exist for every day current somewhere, and are forgotten once the day is over everywhere")
    func rotation() throws {
        var keys = VisitorKeys()
        let day = try LocalDay(parsing: "2026-03-08")
        let midnight = Date(timeIntervalSince1970: TimeInterval(day.ordinal) * 86_400)
        keys.rotate(now: midnight)
        #expect(keys.days == [day.adding(days: -1), day])
        keys.rotate(now: midnight.addingTimeInterval(11 * 3600))
        #expect(keys.days == [day.adding(days: -1), day, day.adding(days: 1)])
        let hash = keys.hash(address: "a", userAgent: nil, day: day)
        keys.rotate(now: midnight.addingTimeInterval(36 * 3600))
        #expect(!keys.days.contains(day))
        #expect(keys.hash(address: "a", userAgent: nil, day: day) == nil)
        #expect(hash != nil)
    }
}

@Suite("Local days")
struct LocalDayTests {
    static let newYork = try! FunnelTimeZone("America/New_York").timeZone

    @Test("civil dates round-trip", arguments: ["1970-01-01", "2000-02-29", "2026-03-08", "2026-12-31", "1969-12-31"])
    func roundTrip(_ text: String) throws {
        let day = try LocalDay(parsing: text)
        #expect(day.description == text)
    }

    @Test("bad dates name the field", arguments: ["2026-02-29", "2026-13-01", "26-01-01", "2026-1-01", "x", ""])
    func bad(_ text: String) {
        #expect(throws: FunnelInputError(field: "from", rule: "must be a date written YYYY-MM-DD")) {
            try LocalDay(parsing: text, field: "from")
        }
    }

    @Test("days follow New York's clock across the spring and autumn changes")
    func daylightSaving() throws {
        // 2026-03-08 02:00 EST → 03:00 EDT; the day is 23 hours long.
        let spring = try LocalDay(parsing: "2026-03-08")
        let springStart = spring.start(in: Self.newYork)
        #expect(springStart == Date(timeIntervalSince1970: 1_772_946_000))  // 05:00Z
        let springEnd = spring.adding(days: 1).start(in: Self.newYork)
        #expect(springEnd.timeIntervalSince(springStart) == 23 * 3600)
        #expect(LocalDay(springEnd.addingTimeInterval(-1), in: Self.newYork) == spring)
        #expect(LocalDay(springEnd, in: Self.newYork) == spring.adding(days: 1))
        // 2026-11-01 02:00 EDT → 01:00 EST; the day is 25 hours long.
        let autumn = try LocalDay(parsing: "2026-11-01")
        let autumnStart = autumn.start(in: Self.newYork)
        #expect(autumnStart == Date(timeIntervalSince1970: 1_793_505_600))  // 04:00Z
        let autumnEnd = autumn.adding(days: 1).start(in: Self.newYork)
        #expect(autumnEnd.timeIntervalSince(autumnStart) == 25 * 3600)
        // 23:30 local on the long day is 04:30Z the next UTC day, still 1 November in New York.
        #expect(LocalDay(Date(timeIntervalSince1970: 1_793_593_800), in: Self.newYork) == autumn)
        #expect(LocalDay(Date(timeIntervalSince1970: 1_793_593_800), in: .gmt) == autumn.adding(days: 1))
    }

    @Test("weeks start on Monday and months on the first")
    func grouping() throws {
        let sunday = try LocalDay(parsing: "2026-03-08")
        #expect(FunnelGrouping.week.periodStart(sunday).description == "2026-03-02")
        #expect(FunnelGrouping.week.periodStart(sunday.adding(days: 1)).description == "2026-03-09")
        #expect(FunnelGrouping.month.periodStart(sunday).description == "2026-03-01")
        #expect(sunday.monthStart(adding: -12).description == "2025-03-01")
        #expect(sunday.monthStart(adding: -3).description == "2025-12-01")
        #expect(try FunnelRetention().firstDailyDay(today: sunday).description == "2025-03-01")
    }

    @Test("time zones and ranges are checked")
    func inputs() throws {
        #expect(throws: FunnelInputError.self) { try FunnelTimeZone("Mars/Olympus") }
        #expect(throws: FunnelInputError.self) { try FunnelTimeZone("") }
        #expect(try FunnelTimeZone("Europe/Paris").identifier == "Europe/Paris")
        let today = try LocalDay(parsing: "2026-03-08")
        let range = try FunnelRange(from: nil, to: nil, today: today)
        #expect(range.days.count == 30)
        #expect(throws: FunnelInputError(field: "to", rule: "must not be before from")) {
            try FunnelRange(from: "2026-03-09", to: "2026-03-08", today: today)
        }
        #expect(throws: FunnelInputError.self) { try FunnelRange(from: "2000-01-01", to: "2026-01-01", today: today) }
        #expect(throws: FunnelInputError.self) { try FunnelRetention(dailyMonths: 1) }
    }
}
