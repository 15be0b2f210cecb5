import Foundation
import SQLKit
import SpruceCore
import SpruceStore
import Testing

@Suite("Funnel store")
struct FunnelStoreTests {
    static let day = try! LocalDay(parsing: "2026-03-08")

    static func tally(_ code: LinkCode, _ entries: [(FunnelEvent, Int)], day: LocalDay = day) -> FunnelTally {
        var tally = FunnelTally()
        for (event, count) in entries { tally.add(event, code: code, day: day, count: count) }
        return tally
    }

    static func visitors(_ code: LinkCode, _ hashes: Range<UInt64>, day: LocalDay = day) -> FunnelTally {
        var tally = FunnelTally()
        for index in hashes { tally.addVisitor(hash: index &* 0x9E37_79B9_7F4A_7C15, code: code, day: day) }
        return tally
    }

    static func range(_ from: String, _ to: String) throws -> FunnelRange {
        try FunnelRange(from: LocalDay(parsing: from), to: LocalDay(parsing: to))
    }

    @Test("each event is counted as itself, and a view's second event beside it", arguments: FunnelEvent.allCases)
    func eventsKeepTheirPlace(_ event: FunnelEvent) throws {
        let code = try LinkCode("4827163")
        var tally = FunnelTally()
        tally.add(event, code: code, day: Self.day, count: 2)
        tally.add(event, also: .invitationOpened, visitor: nil, code: code, day: Self.day)
        var expected = [FunnelTally.Key(code: code, day: Self.day, event: event): 3]
        expected[FunnelTally.Key(code: code, day: Self.day, event: .invitationOpened), default: 0] += 1
        #expect(tally.counts == expected)
    }

    @Test(
        "tallies written together that share links and days add up, as if merged first (PostgreSQL included)",
        arguments: TestEngine.all)
    func severalTallies(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
            let (_, other) = try await store.createOrganization(ClinicProfile(displayName: "Cedar Orthopedics"))
            var first = Self.tally(link.code, [(.scan, 3), (.visit, 5), (.connectClick, 1)])
            first.merge(Self.visitors(link.code, 0..<4))
            var second = Self.tally(link.code, [(.visit, 2), (.connectClick, 2)])
            second.merge(Self.visitors(link.code, 2..<6))
            let third = Self.tally(other.code, [(.visit, 1)])
            let found = try await store.recordFunnel([first, FunnelTally(), second, third])
            #expect(Set(found.keys) == [link.code, other.code])
            let report = try await store.linkFunnel(
                code: link.code, range: try Self.range("2026-03-08", "2026-03-08"), grouping: .day,
                in: .everyOrganization)
            #expect(report.totals[.scan] == 3)
            #expect(report.totals[.visit] == 7)
            #expect(report.totals[.connectClick] == 3)
            #expect(report.totals.uniqueVisitors == 6)
        }
    }

    @Test(
        "flushes add up per link, day and event; sketches merge; unknown codes are dropped", arguments: TestEngine.all)
    func additive(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
            let unknown = try LinkCode("99999999")
            var first = Self.tally(link.code, [(.scan, 3), (.visit, 5), (.preview, 1)])
            first.merge(Self.tally(unknown, [(.scan, 7)]))
            first.merge(Self.visitors(link.code, 0..<60))
            try await store.recordFunnel(first)
            var second = Self.tally(link.code, [(.scan, 2), (.connectClick, 1)])
            second.merge(Self.visitors(link.code, 40..<100))
            try await store.recordFunnel(second)
            try await store.recordFunnel(FunnelTally())

            let report = try await store.linkFunnel(
                code: link.code, range: Self.range("2026-03-01", "2026-03-08"), grouping: .day, in: .everyOrganization)
            #expect(report.periods.count == 8)
            let counts = try #require(report.periods.last).counts
            #expect(counts[.scan] == 5)
            #expect(counts[.visit] == 5)
            #expect(counts[.preview] == 1)
            #expect(counts[.connectClick] == 1)
            #expect(counts.uniqueVisitors == 100)
            #expect(report.periods.dropLast().allSatisfy { $0.counts.isZero })
            #expect(report.timeZone == .utc)
        }
    }

    @Test("weeks and months; a disabled link keeps its history", arguments: TestEngine.all)
    func grouping(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Lumen Dermatology"))
            for text in ["2026-03-01", "2026-03-02", "2026-03-08", "2026-03-09", "2026-04-01"] {
                try await store.recordFunnel(Self.tally(link.code, [(.visit, 1)], day: try LocalDay(parsing: text)))
            }
            try await store.disableLink(code: link.code, in: .everyOrganization)
            let range = try Self.range("2026-03-01", "2026-04-30")
            let weeks = try await store.linkFunnel(
                code: link.code, range: range, grouping: .week, in: .everyOrganization)
            #expect(weeks.periods.first?.start.description == "2026-02-23")
            #expect(weeks.periods.prefix(3).map { $0.counts[.visit] } == [1, 2, 1])
            let months = try await store.linkFunnel(
                code: link.code, range: range, grouping: .month, in: .everyOrganization)
            #expect(months.periods.map { $0.counts[.visit] } == [4, 1])
            #expect(months.totals[.visit] == 5)
        }
    }

    @Test("per-tag totals count a link under each of its tags, untagged links apart", arguments: TestEngine.all)
    func tags(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, primary) = try await store.createOrganization(ClinicProfile(displayName: "Riverbend"))
            let flyer = try ConversationTag("flyer")
            let poster = try ConversationTag("poster")
            let tagged = try await store.mintLinks(MintRequest(organizationID: organization.id, tags: [flyer, poster]))
            let flyerOnly = try await store.mintLinks(MintRequest(organizationID: organization.id, tags: [flyer]))
            try await store.recordFunnel(Self.tally(primary.code, [(.visit, 1)]))
            try await store.recordFunnel(Self.tally(tagged[0].code, [(.scan, 4)]))
            var last = Self.tally(flyerOnly[0].code, [(.scan, 1), (.signupStarted, 1)])
            last.merge(Self.visitors(flyerOnly[0].code, 0..<3))
            try await store.recordFunnel(last)
            let range = try Self.range("2026-03-01", "2026-03-31")
            let totals = try await store.tagFunnel(organization: organization.id, range: range, in: .everyOrganization)
            #expect(totals.map(\.tag) == ["flyer", "poster", nil])
            #expect(totals.map(\.links) == [2, 1, 1])
            #expect(totals.map { $0.counts[.scan] } == [5, 4, 0])
            #expect(totals[0].counts.uniqueVisitors == 3)
            #expect(totals[2].counts[.visit] == 1)
            let one = try await store.tagFunnel(
                organization: organization.id, tag: poster, range: range, in: .only(organization.id))
            #expect(one.map(\.tag) == ["poster"])
        }
    }

    @Test("another organization's link or totals answer like missing ones", arguments: TestEngine.all)
    func scope(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (mine, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak"))
            let (other, _) = try await store.createOrganization(ClinicProfile(displayName: "Elm"))
            let range = try Self.range("2026-03-01", "2026-03-08")
            await #expect(throws: StoreError.linkNotFound) {
                try await store.linkFunnel(code: link.code, range: range, grouping: .day, in: .only(other.id))
            }
            await #expect(throws: StoreError.organizationNotFound(id: mine.id.rawValue)) {
                try await store.tagFunnel(organization: mine.id, range: range, in: .only(other.id))
            }
            await #expect(throws: StoreError.organizationNotFound(id: mine.id.rawValue)) {
                try await store.setFunnelTimeZone(.utc, organization: mine.id, in: .only(other.id))
            }
            _ = try await store.linkFunnel(code: link.code, range: range, grouping: .day, in: .only(mine.id))
        }
    }

    @Test("time zones are stored per organization", arguments: TestEngine.all)
    func timeZones(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak"))
            #expect(try await store.funnelTimeZones().isEmpty)
            let newYork = try FunnelTimeZone("America/New_York")
            try await store.setFunnelTimeZone(newYork, organization: organization.id, in: .everyOrganization)
            #expect(try await store.funnelTimeZones() == [organization.id: newYork])
            let report = try await store.linkFunnel(
                code: link.code, range: try Self.range("2026-03-08", "2026-03-08"), grouping: .day,
                in: .everyOrganization)
            #expect(report.timeZone == newYork)
        }
    }

    @Test("days past retention roll up into months and still read", arguments: TestEngine.all)
    func retention(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, location in
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak"))
            let old = try LocalDay(parsing: "2025-01-15")
            var tally = Self.tally(link.code, [(.scan, 2)], day: old)
            tally.merge(Self.tally(link.code, [(.scan, 3)], day: old.adding(days: 1)))
            tally.merge(Self.visitors(link.code, 0..<10, day: old))
            tally.merge(Self.tally(link.code, [(.scan, 1)], day: Self.day))
            try await store.recordFunnel(tally)
            let now = Self.day.start(in: .gmt).addingTimeInterval(3600)
            let rolled = try await store.rollUpFunnel(retention: try FunnelRetention(), at: now)
            #expect(rolled == 3)
            #expect(try await store.rollUpFunnel(retention: try FunnelRetention(), at: now) == 0)
            let report = try await store.linkFunnel(
                code: link.code, range: try Self.range("2025-01-01", "2026-03-31"), grouping: .month,
                in: .everyOrganization)
            #expect(report.periods.first?.counts[.scan] == 5)
            #expect(report.periods.first?.counts.uniqueVisitors == 10)
            #expect(report.totals[.scan] == 6)
            let days = try await store.linkFunnel(
                code: link.code, range: try Self.range("2025-01-10", "2025-01-20"), grouping: .day,
                in: .everyOrganization)
            #expect(days.periods.first?.counts[.scan] == 5)
            _ = location
        }
    }
}

@Suite("Funnel tally")
struct FunnelTallyTests {
    static let numeric = LinkCode(number: 48_193_027)
    static let vanity = try? LinkCode("oak-street")

    @Test(
        "numeric and vanity links, and days too far out to pack, count and merge alike",
        arguments: [LocalDay(year: 2026, month: 11, day: 30), LocalDay(ordinal: -3), LocalDay(ordinal: 1 << 24)]
    )
    func mixed(day: LocalDay) throws {
        let numeric = try #require(Self.numeric)
        let vanity = try #require(Self.vanity)
        var first = FunnelTally()
        first.add(.scan, also: .invitationOpened, visitor: 7, code: numeric, day: day)
        first.add(.visit, visitor: 8, code: vanity, day: day)
        var second = FunnelTally()
        second.add(.scan, visitor: 9, code: numeric, day: day)
        second.add(.connectClick, code: vanity, day: day, count: 2)
        first.merge(second)
        #expect(
            first.counts == [
                FunnelTally.Key(code: numeric, day: day, event: .scan): 2,
                FunnelTally.Key(code: numeric, day: day, event: .invitationOpened): 1,
                FunnelTally.Key(code: vanity, day: day, event: .visit): 1,
                FunnelTally.Key(code: vanity, day: day, event: .connectClick): 2,
            ])
        #expect(first.totals == [.scan: 2, .invitationOpened: 1, .visit: 1, .connectClick: 2])
        #expect(first.codes == [numeric, vanity])
        let sketches = Dictionary(uniqueKeysWithValues: first.visitorRows.map { ($0.key, $0.sketch) })
        var expected = HyperLogLog()
        expected.add(hash: 7)
        expected.add(hash: 9)
        #expect(sketches[FunnelTally.DayKey(code: numeric, day: day)] == expected)
        #expect(sketches[FunnelTally.DayKey(code: vanity, day: day)]?.estimate == 1)
        var numericVisitors = FunnelTally()
        numericVisitors.addVisitor(hash: 7, code: numeric, day: day)
        numericVisitors.addVisitor(hash: 9, code: numeric, day: day)
        var stored = StoredSketches()
        stored.remember(numericVisitors)
        stored.removeStored(from: &first)
        #expect(first.visitorRows.map(\.key) == [FunnelTally.DayKey(code: vanity, day: day)])
        #expect(first.counts.count == 4)
    }

    @Test(
        "every event pairs with every other in one count, views and funnel steps alike",
        arguments: FunnelEvent.allCases
    )
    func pairs(event: FunnelEvent) throws {
        let code = try #require(Self.numeric)
        let day = LocalDay(year: 2026, month: 11, day: 30)
        for also in FunnelEvent.allCases where also != event {
            var tally = FunnelTally()
            tally.add(event, also: also, visitor: 42, code: code, day: day)
            tally.add(event, code: code, day: day, count: 2)
            #expect(
                tally.counts == [
                    FunnelTally.Key(code: code, day: day, event: event): 3,
                    FunnelTally.Key(code: code, day: day, event: also): 1,
                ])
            #expect(tally.totals == [event: 3, also: 1])
            #expect(tally.visitorRows.count == 1)
            #expect(tally.codes == [code])
        }
    }

    @Test("thousands of links and days: every count lands on its own key, whatever the order they came in")
    func many() throws {
        let days = (0..<3).map { LocalDay(ordinal: 20_000 + $0) }
        let codes = (0..<5_000).compactMap { LinkCode(number: 48_000_000 + UInt64($0) * 7_919) }
        #expect(codes.count == 5_000)
        var expected: [FunnelTally.Key: Int] = [:]
        var forward = FunnelTally()
        var backward = FunnelTally()
        var halves = (FunnelTally(), FunnelTally())
        for (index, code) in codes.enumerated() {
            for day in days where (index + day.ordinal) % 2 == 0 || day == days[0] {
                let event: FunnelEvent = index % 3 == 0 ? .scan : .visit
                forward.add(event, visitor: UInt64(index), code: code, day: day)
                expected[FunnelTally.Key(code: code, day: day, event: event), default: 0] += 1
                if index % 2 == 0 {
                    halves.0.add(event, visitor: UInt64(index), code: code, day: day)
                } else {
                    halves.1.add(event, visitor: UInt64(index), code: code, day: day)
                }
            }
        }
        for (index, code) in codes.enumerated().reversed() {
            for day in days.reversed() where (index + day.ordinal) % 2 == 0 || day == days[0] {
                backward.add(index % 3 == 0 ? .scan : .visit, visitor: UInt64(index), code: code, day: day)
            }
        }
        #expect(forward.counts == expected)
        #expect(forward == backward)
        var merged = halves.0
        merged.merge(halves.1)
        #expect(merged == forward)
        merged.merge(forward)
        #expect(merged.counts == expected.mapValues { $0 * 2 })
        #expect(merged != forward)
        var firstDay = FunnelTally()
        for (index, code) in codes.enumerated() { firstDay.addVisitor(hash: UInt64(index), code: code, day: days[0]) }
        var stored = StoredSketches()
        stored.remember(firstDay)
        stored.removeStored(from: &forward)
        #expect(forward.visitorRows.allSatisfy { $0.key.day != days[0] })
        #expect(forward.counts == expected)
    }

    @Test("the same link on two days, and two links on one day, are apart")
    func apart() throws {
        let numeric = try #require(Self.numeric)
        let other = try #require(LinkCode(number: 48_193_028))
        let day = LocalDay(year: 2026, month: 11, day: 30)
        let next = LocalDay(ordinal: day.ordinal + 1)
        var tally = FunnelTally()
        tally.add(.visit, code: numeric, day: day)
        tally.add(.visit, code: numeric, day: next)
        tally.add(.visit, code: other, day: day)
        #expect(
            tally.counts == [
                FunnelTally.Key(code: numeric, day: day, event: .visit): 1,
                FunnelTally.Key(code: numeric, day: next, event: .visit): 1,
                FunnelTally.Key(code: other, day: day, event: .visit): 1,
            ])
    }
}

@Suite("Stored sketches")
struct StoredSketchesTests {
    static let code = try! LinkCode("4827163")
    static let day = try! LocalDay(parsing: "2026-03-08")

    static func tally(visitors hashes: [UInt64], code: LinkCode = code) -> FunnelTally {
        var tally = FunnelTally()
        for hash in hashes { tally.add(.visit, visitor: hash, code: code, day: day) }
        return tally
    }

    @Test("a flush whose visitors are all stored keeps its counts and drops its sketch; a new visitor keeps it")
    func skipsOnlyWhatIsStored() {
        var stored = StoredSketches()
        let hashes: [UInt64] = [0x1234_5678_9ABC_DEF0, 0x0FED_CBA9_8765_4321]
        stored.remember(Self.tally(visitors: hashes))

        var again = Self.tally(visitors: [hashes[1]])
        stored.removeStored(from: &again)
        #expect(again.visitorRows.isEmpty)
        #expect(again.counts == [FunnelTally.Key(code: Self.code, day: Self.day, event: .visit): 1])

        var newcomer = Self.tally(visitors: [hashes[0], 0x7777_0000_1111_2222])
        stored.removeStored(from: &newcomer)
        #expect(newcomer.visitorRows.count == 1)

        var elsewhere = Self.tally(visitors: [hashes[0]], code: try! LinkCode("3914805"))
        stored.removeStored(from: &elsewhere)
        #expect(elsewhere.visitorRows.count == 1)
    }

    @Test("past its bound it starts over, so it never grows without limit")
    func bounded() throws {
        var stored = StoredSketches()
        for start in stride(from: 0, to: StoredSketches.keyLimit + 10, by: 1000) {
            var tally = FunnelTally()
            for offset in 0..<1000 {
                tally.add(
                    .visit, visitor: UInt64(start + offset) &* 0x9E37_79B9_7F4A_7C15,
                    code: try LinkCode(String(10_000_000 + start + offset)), day: Self.day)
            }
            stored.remember(tally)
        }
        #expect(stored.count <= StoredSketches.keyLimit)
        #expect(stored.count > 0)
    }

    @Test(
        "what another instance wrote in between is not lost: the skipped sketch was stored already",
        arguments: TestEngine.all)
    func twoWriters(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, link) = try await store.createOrganization(ClinicProfile(displayName: "Oak Street Pediatrics"))
            let today = LocalDay(Date(), in: .gmt)
            func tally(_ hashes: [UInt64]) -> FunnelTally {
                var tally = FunnelTally()
                for hash in hashes { tally.add(.visit, visitor: hash, code: link.code, day: today) }
                return tally
            }
            var mine = StoredSketches()
            let first = tally([1 << 60, 2 << 58])
            try await store.recordFunnel(first)
            mine.remember(first)
            try await store.recordFunnel(tally([3 << 56]))  // another instance
            var returning = tally([1 << 60])
            mine.removeStored(from: &returning)
            try await store.recordFunnel(returning)
            let report = try await store.linkFunnel(
                code: link.code, range: try FunnelRange(from: today, to: today), grouping: .day,
                in: .everyOrganization)
            #expect(report.totals[.visit] == 4)
            #expect(report.totals.uniqueVisitors == 3)
        }
    }
}

@Suite("Funnel links")
struct FunnelLinksTests {
    @Test(
        "a flush looks up only codes it was not given, returns what it found, and writes both",
        arguments: TestEngine.all)
    func knownLinks(_ engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (first, known) = try await store.createOrganization(ClinicProfile(displayName: "Birch Family Practice"))
            let (second, looked) = try await store.createOrganization(ClinicProfile(displayName: "Cedar Orthopedics"))
            let vanity = try await store.mintLinks(
                MintRequest(
                    organizationID: second.id, kind: .chosen(try LinkCode("cedar-front-desk")), label: "Front desk"),
                count: 1)[0]
            var tally = FunnelStoreTests.tally(known.code, [(.scan, 2)])
            tally.merge(FunnelStoreTests.tally(looked.code, [(.visit, 3)]))
            tally.merge(FunnelStoreTests.tally(vanity.code, [(.visit, 1)]))
            tally.merge(FunnelStoreTests.tally(try LinkCode("99999998"), [(.visit, 9)]))
            tally.merge(FunnelStoreTests.visitors(vanity.code, 0..<3))
            var links = FunnelLinks()
            let firstFound = try await store.recordFunnel(FunnelStoreTests.tally(known.code, [(.visit, 1)]))
            #expect(firstFound.keys.sorted { $0.rawValue < $1.rawValue } == [known.code])
            links.learn(firstFound)
            #expect(links[known.code]?.organization == first.id.rawValue)

            let found = try await store.recordFunnel(tally, known: links)
            #expect(Set(found.keys) == [looked.code, vanity.code])
            #expect(found[looked.code]?.organization == second.id.rawValue)
            let range = try FunnelStoreTests.range("2026-03-08", "2026-03-08")
            let counts = { (code: LinkCode) in
                try await store.linkFunnel(code: code, range: range, grouping: .day, in: .everyOrganization)
                    .periods[0].counts
            }
            #expect(try await counts(known.code)[.scan] == 2)
            #expect(try await counts(known.code)[.visit] == 1)
            #expect(try await counts(looked.code)[.visit] == 3)
            #expect(try await counts(vanity.code)[.visit] == 1)
            #expect(try await counts(vanity.code).uniqueVisitors == 3)
        }
    }

    @Test("past its bound it starts over, so it never grows without limit")
    func bounded() throws {
        var links = FunnelLinks()
        func batch(_ range: Range<Int>) throws -> [LinkCode: FunnelLink] {
            Dictionary(
                uniqueKeysWithValues: try range.map {
                    (try LinkCode(String(10_000_000 + $0)), FunnelLink(id: Int64($0), organization: 1))
                })
        }
        links.learn(try batch(0..<(FunnelLinks.limit - 1)))
        #expect(links.count == FunnelLinks.limit - 1)
        #expect(links[try LinkCode("10000007")] == FunnelLink(id: 7, organization: 1))
        links.learn(try batch(FunnelLinks.limit..<(FunnelLinks.limit + 2)))
        #expect(links.count == 2)
        #expect(links[try LinkCode("10000007")] == nil)
    }
}
