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
        ("GET", nil, nil, String(repeating: "a", count: 503) + "Googlebot", .preview),
        ("GET", nil, nil, String(repeating: "a", count: 504) + "Googlebot", .person),
        ("GET", nil, nil, "applebot", .preview),
        ("GET", nil, nil, "xapplebo", .person),
        ("GET", nil, nil, "b", .person),
        ("GET", nil, nil, "", .person),
        ("GET", nil, nil, "ssslackbot", .preview),
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
        #expect(TrafficClassifier.previewAgents.allSatisfy { $0 == $0.lowercased() && $0.utf8.count >= 2 })
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

    @Test("a sketch turning dense in memory keeps every register", arguments: [2_048, 2_049, 6_000])
    func sparseAndDense(_ distinct: Int) throws {
        let whole = Self.sketch(distinct: distinct, seed: 5)
        var halves = Self.sketch(distinct: distinct / 2, seed: 5)
        var generator = SplitMix64(seed: 5)
        var rest = HyperLogLog()
        for index in 0..<distinct {
            let hash = generator.next()
            if index >= distinct / 2 { rest.add(hash: hash) }
        }
        halves.merge(rest)
        #expect(halves == whole)
        rest.merge(Self.sketch(distinct: distinct / 2, seed: 5))
        #expect(rest == whole)
        #expect(try HyperLogLog(bytes: whole.bytes) == whole)
        #expect(halves.estimate == whole.estimate)
    }

    /// Hashes whose register index is `index` and whose rank is `rank`.
    private static func hash(index: UInt64, rank: Int) -> UInt64 {
        index << UInt64(64 - HyperLogLog.precision) | (UInt64(1) << UInt64(64 - HyperLogLog.precision - rank))
    }

    @Test(
        "a one-register sketch (held inline) behaves as the same registers held in a list",
        arguments: [
            // (first, second): a lower, equal or higher rank in the same register, then registers before and after.
            ((UInt64(7), 3), (UInt64(7), 1)), ((7, 3), (7, 3)), ((7, 3), (7, 5)), ((7, 3), (2, 4)), ((7, 3), (9, 2)),
        ])
    func oneRegister(_ first: (UInt64, Int), _ second: (UInt64, Int)) throws {
        var one = HyperLogLog()
        one.add(hash: Self.hash(index: first.0, rank: first.1))
        #expect(!one.isEmpty)
        #expect(one.sparseCount == 1)
        #expect(one.estimate == 1)
        #expect(one.bytes == [1, 1, 0, UInt8(first.0), UInt8(first.1)])
        #expect(try HyperLogLog(bytes: one.bytes) == one)
        var two = one
        two.add(hash: Self.hash(index: second.0, rank: second.1))
        var merged = HyperLogLog()
        merged.add(hash: Self.hash(index: second.0, rank: second.1))
        merged.merge(one)
        #expect(merged == two)
        #expect(two.covers(one))
        #expect(one.covers(two) == (first.0 == second.0 && first.1 >= second.1))
        let registers = Dictionary(
            [(first.0, first.1), (second.0, second.1)].map { (Int($0.0), $0.1) }, uniquingKeysWith: max)
        #expect(two.sparseCount == registers.count)
        #expect(two.estimate == registers.count)
        var expected: [UInt8] = [1, 1]
        for (index, rank) in registers.sorted(by: { $0.key < $1.key }) { expected += [0, UInt8(index), UInt8(rank)] }
        #expect(two.bytes == expected)
        #expect(try HyperLogLog(bytes: two.bytes) == two)
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

@Suite("SipHash-2-4")
struct SipHashTests {
    /// The reference implementation's vectors: key 00 01 … 0f, messages 00 01 … (n − 1) for n = 0 … 63.
    static let vectors: [UInt64] = [
        0x726f_db47_dd0e_0e31, 0x74f8_39c5_93dc_67fd, 0x0d6c_8009_d9a9_4f5a, 0x8567_6696_d7fb_7e2d,
        0xcf27_94e0_2771_87b7, 0x1876_5564_cd99_a68d, 0xcbc9_466e_58fe_e3ce, 0xab02_00f5_8b01_d137,
        0x93f5_f579_9a93_2462, 0x9e00_82df_0ba9_e4b0, 0x7a5d_bbc5_94dd_b9f3, 0xf4b3_2f46_226b_ada7,
        0x751e_8fbc_860e_e5fb, 0x14ea_5627_c084_3d90, 0xf723_ca90_8e7a_f2ee, 0xa129_ca61_49be_45e5,
        0x3f2a_cc7f_57c2_9bdb, 0x699a_e9f5_2cbe_4794, 0x4bc1_b3f0_968d_d39c, 0xbb6d_c91d_a779_61bd,
        0xbed6_5cf2_1aa2_ee98, 0xd0f2_cbb0_2e3b_67c7, 0x9353_6795_e3a3_3e88, 0xa80c_038c_cd5c_cec8,
        0xb8ad_50c6_f649_af94, 0xbce1_92de_8a85_b8ea, 0x17d8_35b8_5bbb_15f3, 0x2f2e_6163_076b_cfad,
        0xde4d_aaac_a71d_c9a5, 0xa6a2_5066_8795_6571, 0xad87_a353_5c49_ef28, 0x32d8_92fa_d841_c342,
        0x7127_512f_72f2_7cce, 0xa7f3_2346_f959_78e3, 0x12e0_b01a_bb05_1238, 0x15e0_34d4_0fa1_97ae,
        0x314d_ffbe_0815_a3b4, 0x0279_90f0_2962_3981, 0xcadc_d4e5_9ef4_0c4d, 0x9abf_d876_6a33_735c,
        0x0e3e_a96b_5304_a7d0, 0xad0c_42d6_fc58_5992, 0x1873_06c8_9bc2_15a9, 0xd4a6_0abc_f379_2b95,
        0xf935_451d_e4f2_1df2, 0xa953_8f04_1975_5787, 0xdb9a_cddf_f56c_a510, 0xd06c_98cd_5c09_75eb,
        0xe612_a3cb_9ecb_a951, 0xc766_e62c_fcad_af96, 0xee64_435a_9752_fe72, 0xa192_d576_b245_165a,
        0x0a87_87bf_8ecb_74b2, 0x81b3_e73d_20b4_9b6f, 0x7fa8_220b_a3b2_ecea, 0x2457_31c1_3ca4_2499,
        0xb78d_bfaf_3a8d_83bd, 0xea1a_d565_322a_1a0b, 0x60e6_1c23_a379_5013, 0x6606_d7e4_4628_2b93,
        0x6ca4_ecb1_5c5f_91e1, 0x9f62_6da1_5c96_25f3, 0xe51b_3860_8ef2_5f57, 0x958a_324c_eb06_4572,
    ]

    @Test("gives the reference vectors for every message length from 0 to 63 bytes", arguments: 0..<64)
    func vector(_ length: Int) {
        let key = SipHash24(key: (0..<16).map(UInt8.init))
        let message = (0..<length).map(UInt8.init)
        #expect(key.hash(message) == Self.vectors[length])
        var parts = key.message()
        parts.append(message.prefix(length / 3))
        parts.append(message.dropFirst(length / 3))
        #expect(parts.finalize() == Self.vectors[length], "appended in two parts")
        let text = String(decoding: message, as: UTF8.self)
        var words = key.message()
        words.append(text, limit: length / 2)
        words.append(message.dropFirst(length / 2))
        #expect(words.finalize() == Self.vectors[length], "text a word at a time, then bytes")
        var limited = key.message()
        limited.append(text + "beyond the limit", limit: length)
        #expect(limited.finalize() == Self.vectors[length], "text cut at its limit")
    }
}

@Suite("Funnel events")
struct FunnelEventOrderTests {
    @Test("each event's order is its place among all cases, and < follows it")
    func orderIsPlace() {
        for (place, event) in FunnelEvent.allCases.enumerated() {
            #expect(event.order == place, "\(event)")
        }
        #expect(FunnelEvent.allCases.sorted() == FunnelEvent.allCases)
        #expect(FunnelEvent.allCases.shuffled().sorted() == FunnelEvent.allCases)
    }
}
