import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Funnel flush rows")
struct FunnelRowsTests {
    static let day = LocalDay(year: 2026, month: 11, day: 30)

    static func code(_ text: String) throws -> LinkCode { try LinkCode(text) }

    @Test("links are found by number or by code, from the first source that knows them; the rest are left out")
    func rowsFindTheirLinks() throws {
        let numeric = try Self.code("48193027")
        let vanity = try Self.code("oak-street")
        let looked = try Self.code("39148051")
        let stranger = try Self.code("99999998")
        var tally = FunnelTally()
        tally.add(.visit, also: .invitationOpened, visitor: 5, code: numeric, day: Self.day)
        tally.add(.scan, visitor: 6, code: vanity, day: Self.day)
        tally.add(.connectClick, code: looked, day: Self.day, count: 2)
        tally.add(.signupStarted, code: vanity, day: Self.day)
        tally.add(.visit, visitor: 7, code: stranger, day: Self.day)
        var known = FunnelLinks()
        known.learn([numeric: FunnelLink(id: 9, organization: 1), vanity: FunnelLink(id: 3, organization: 2)])

        var rows = FunnelRows(of: [tally], in: known)
        #expect(Set(rows.unknown) == [looked, stranger])
        #expect(rows.unknown.count == 2)

        let found = FunnelLinks(all: [looked: FunnelLink(id: 4, organization: 2)])
        rows.add(of: [tally], found: found, known: known)
        rows.sortAndCombine()
        #expect(
            rows.counts.map { [$0.link.id, Int64($0.day.ordinal), Int64($0.event.order), Int64($0.count)] } == [
                [3, Int64(Self.day.ordinal), Int64(FunnelEvent.scan.order), 1],
                [3, Int64(Self.day.ordinal), Int64(FunnelEvent.signupStarted.order), 1],
                [4, Int64(Self.day.ordinal), Int64(FunnelEvent.connectClick.order), 2],
                [9, Int64(Self.day.ordinal), Int64(FunnelEvent.visit.order), 1],
                [9, Int64(Self.day.ordinal), Int64(FunnelEvent.invitationOpened.order), 1],
            ])
        #expect(rows.visitors.map(\.link.id) == [3, 9])
    }

    @Test("rows of several tallies that share a link, day and event are added up into one; sketches merged")
    func tallies() throws {
        let shared = try Self.code("48193027")
        let other = try Self.code("39148051")
        var first = FunnelTally()
        first.add(.visit, visitor: 1 << 60, code: shared, day: Self.day)
        first.add(.connectClick, code: shared, day: Self.day)
        var second = FunnelTally()
        second.add(.visit, visitor: 1 << 50, code: shared, day: Self.day)
        second.add(.visit, code: shared, day: Self.day)
        second.add(.connectClick, code: shared, day: Self.day, count: 3)
        second.add(.scan, code: other, day: Self.day)
        var known = FunnelLinks()
        known.learn([shared: FunnelLink(id: 2, organization: 1), other: FunnelLink(id: 1, organization: 1)])

        var rows = FunnelRows(of: [first, second], in: known)
        rows.sortAndCombine()
        #expect(
            rows.counts.map { [$0.link.id, Int64($0.event.order), Int64($0.count)] } == [
                [1, Int64(FunnelEvent.scan.order), 1],
                [2, Int64(FunnelEvent.visit.order), 3],
                [2, Int64(FunnelEvent.connectClick.order), 4],
            ])
        var both = HyperLogLog()
        both.add(hash: 1 << 60)
        both.add(hash: 1 << 50)
        #expect(rows.visitors.map(\.link.id) == [2])
        #expect(rows.visitors.first?.sketch == both)
    }

    @Test("a link both the known links and the look-up have is written once")
    func foundAndKnown() throws {
        let code = try Self.code("48193027")
        var tally = FunnelTally()
        tally.add(.visit, visitor: 9, code: code, day: Self.day)
        var known = FunnelLinks()
        known.learn([code: FunnelLink(id: 5, organization: 1)])
        var rows = FunnelRows(of: [tally], in: known)
        #expect(rows.unknown.isEmpty)
        rows.add(of: [tally], found: FunnelLinks(all: [code: FunnelLink(id: 5, organization: 1)]), known: known)
        rows.sortAndCombine()
        #expect(rows.counts.map(\.count) == [1])
        #expect(rows.visitors.count == 1)
    }

    @Test("a numeric code met both in views and in steps is looked up once")
    func unknownOnce() throws {
        let code = try Self.code("48193027")
        var tally = FunnelTally()
        tally.add(.visit, code: code, day: Self.day)
        tally.add(.visit, code: code, day: LocalDay(ordinal: Self.day.ordinal + 1))
        tally.add(.connectClick, code: code, day: Self.day)
        #expect(FunnelRows(of: [tally], in: FunnelLinks()).unknown == [code])
    }

    @Test("a flush of more links than the memory's bound keeps every link it looked up")
    func flushKeepsAll() throws {
        let found = Dictionary(
            uniqueKeysWithValues: (0..<(FunnelLinks.limit + 5)).compactMap { index in
                LinkCode(number: 10_000_000 + UInt64(index)).map { ($0, FunnelLink(id: Int64(index), organization: 1)) }
            })
        let links = FunnelLinks(all: found)
        #expect(links.count == FunnelLinks.limit + 5)
        #expect(links[number: 10_000_000 + UInt64(FunnelLinks.limit) + 4]?.id == Int64(FunnelLinks.limit) + 4)
    }

    @Test(
        "statement integers are written in decimal",
        arguments: [
            (0, "0"), (7, "7"), (-42, "-42"), (1_000_000, "1000000"), (.max, "9223372036854775807"),
            (.min, "-9223372036854775808"),
        ] as [(Int64, String)])
    func decimal(value: Int64, text: String) {
        var statement = FunnelStatement("(", rows: 1)
        statement.append(value)
        statement.append(")")
        #expect(statement.text == "(" + text + ")")
    }
}

@Suite("Funnel statement")
struct FunnelStatementTests {
    @Test("rows are written in order, the first without a comma, and counted")
    func rows() {
        var statement = FunnelStatement("VALUES ", rows: 2)
        #expect(statement.rows == 0)
        statement.appendRow(FunnelLink(id: 12, organization: 3), day: "'2026-11-30'", "'visit'", 5)
        statement.appendRow(FunnelLink(id: 13, organization: 3), day: "'2026-12-01'", "'scan'", 1)
        #expect(statement.rows == 2)
        #expect(statement.text == "VALUES (12, 3, '2026-11-30', 'visit', 5), (13, 3, '2026-12-01', 'scan', 1)")
    }
}
