import Foundation
import SQLKit
import SpruceCore
import Synchronization
import Testing

@testable import SpruceStore

@Suite("Export and import")
struct TransferTests {
    /// A store with something in every table that flows write: seed, a clinic connect, a patient, messages.
    static func populate(_ store: SpruceStore) async throws -> ConnectWorld {
        let world = try await ConnectWorld.make(store)
        let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
        _ = try await store.addClinic(world.clinicLink.code.rawValue, as: desk)
        guard
            case .signupRequired(let continuation, _) = try await store.connect(
                visitor: .anonymous, via: .practice(world.practiceLink.code))
        else { throw ScratchError(description: "expected signup") }
        let (patient, _) = try await world.signUp("Ana Souza", email: "ana@example.com", continuation: continuation)
        _ = try await store.startGroupConversation(as: desk, with: world.clinic.id, patient: patient.id)
        let conversation = try await store.inbox(as: desk).entries[0].conversationID
        _ = try await store.createHandoff(via: .practice(world.practiceLink.code), client: "127.0.0.1")
        _ = try await store.sendMessage(as: desk, to: conversation, body: "Welcome, Ana")
        _ = try await store.invite(
            link: world.practiceLink.code, recipient: InvitationRecipient(email: "bo@example.com"))
        var tally = FunnelTally()
        let old = try LocalDay(parsing: "2024-01-15")
        tally.add(.scan, code: world.practiceLink.code, day: old, count: 2)
        tally.addVisitor(hash: 42, code: world.practiceLink.code, day: old)
        try await store.recordFunnel(tally)
        try await store.rollUpFunnel(retention: try FunnelRetention())
        tally = FunnelTally()
        tally.add(.visit, code: world.practiceLink.code, day: LocalDay(Date(), in: .gmt))
        tally.addVisitor(hash: 43, code: world.practiceLink.code, day: LocalDay(Date(), in: .gmt))
        try await store.recordFunnel(tally)
        try await store.setFunnelTimeZone(
            try FunnelTimeZone("Europe/Paris"), organization: world.practice.id, in: .everyOrganization)
        return world
    }

    static func dump(_ store: SpruceStore) async throws -> (lines: [String], report: TransferReport) {
        let lines = Mutex<[String]>([])
        let report = try await store.export { line in lines.withLock { $0.append(line) } }
        return (lines.withLock { $0 }, report)
    }

    @Test(
        "export, import into the other engine: every table, the same answers", arguments: TestEngine.all, TestEngine.all
    )
    func roundTrip(from source: TestEngine, to target: TestEngine) async throws {
        try await withStore(source) { store, _ in
            let world = try await Self.populate(store)
            let (lines, exported) = try await Self.dump(store)
            #expect(exported.rows["organizations"] == 2)
            #expect(exported.rows.values.allSatisfy { $0 >= 0 })
            #expect(
                exported.rows.filter { $0.value == 0 }.keys.sorted() == [
                    "account_codes", "api_keys", "app_sessions", "invitation_opt_outs", "member_invitations",
                    "rate_counters", "sessions",
                ])
            try await withStore(target) { copy, _ async throws in
                let imported = try await copy.importDump(lines: lines, merge: false)
                #expect(imported.rows == exported.rows)
                for (original, other) in [(store, copy)] {
                    let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
                    #expect(try await original.inbox(as: desk) == (try await other.inbox(as: desk)))
                    #expect(
                        try await original.resolve(code: world.practiceLink.code)
                            == (try await other.resolve(code: world.practiceLink.code)))
                    #expect(try await original.alerts(as: desk) == (try await other.alerts(as: desk)))
                }
                // Ids keep counting after the imported ones, and new activity goes on top.
                let (organization, _) = try await copy.createOrganization(sampleProfile("After Import"))
                #expect(organization.id.rawValue == 3)
                let desk = Identity.member(world.clinicMember.id, of: world.clinic.id)
                let last = try await copy.inbox(as: desk).entries.last?.conversationID
                if let last {
                    _ = try await copy.sendMessage(as: desk, to: last, body: "bump")
                    #expect(try await copy.inbox(as: desk).entries.first?.conversationID == last)
                }
                await #expect(throws: TransferError.notEmpty(table: "organizations")) {
                    _ = try await copy.importDump(lines: lines, merge: false)
                }
                let merged = try await copy.importDump(lines: lines, merge: true)
                #expect(merged.rows.values.allSatisfy { $0 == 0 })
                #expect(merged.skipped == exported.rows)
            }
        }
    }

    @Test("a truncated, malformed or foreign dump is refused and writes nothing", arguments: TestEngine.all)
    func badDumps(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            _ = try await Self.populate(store)
            let (lines, _) = try await Self.dump(store)
            try await withStore(engine) { target, _ async throws in
                let cases: [([String], TransferError)] = [
                    (
                        Array(lines.dropLast()),
                        .malformed(line: lines.count - 1, reason: "the closing counts are missing (truncated dump?)")
                    ),
                    (
                        Array(lines.prefix(3)) + ["{not json"] + lines.dropFirst(3),
                        .malformed(line: 4, reason: "not a dump line")
                    ),
                    (
                        ["{\"format\":\"other\"}"] + lines.dropFirst(),
                        .malformed(line: 1, reason: "not a sprucelink dump (header missing)")
                    ),
                    (
                        lines.filter { !$0.contains("\"table\":\"messages\"") },
                        .countMismatch(table: "messages", expected: 1, found: 0)
                    ),
                ]
                for (dump, expected) in cases {
                    await #expect(throws: expected) { _ = try await target.importDump(lines: dump, merge: false) }
                }
                #expect(try await target.organizations().isEmpty)
            }
        }
    }

    @Test(
        "every table the migrations create is in the export catalog, with the same columns", arguments: TestEngine.all)
    func catalogMatchesSchema(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let columns = try await store.read { database -> [String: Set<String>] in
                let query =
                    switch engine {
                    case .sqlite:
                        "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p "
                            + "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'"
                    case .postgres:
                        "SELECT table_name AS t, column_name AS c FROM information_schema.columns "
                            + "WHERE table_schema = current_schema()"
                    }
                var columns: [String: Set<String>] = [:]
                for row in try await database.raw(SQLQueryString(stringLiteral: query)).all() {
                    columns[try row.decode(column: "t", as: String.self), default: []]
                        .insert(try row.decode(column: "c", as: String.self))
                }
                return columns
            }
            var expected: [String: Set<String>] = [:]
            for table in TableCatalog.tables { expected[table.name] = Set(table.columns.map(\.name)) }
            #expect(columns.filter { !TableCatalog.bookkeeping.contains($0.key) } == expected)
        }
    }
}
