import Foundation
import Logging
import NIOCore
import SQLKit
import SpruceCore
import Synchronization
import Testing

@testable import SpruceStore

/// Counts the statements sent through it, to show that a page of messages costs one.
final class CountingDatabase: SQLDatabase, Sendable {
    let base: any SQLDatabase
    private let statements = Atomic<Int>(0)

    init(_ base: any SQLDatabase) { self.base = base }

    var count: Int { statements.load(ordering: .relaxed) }
    var logger: Logger { base.logger }
    var eventLoop: any EventLoop { base.eventLoop }
    var version: (any SQLDatabaseReportedVersion)? { base.version }
    var dialect: any SQLDialect { base.dialect }
    var queryLogLevel: Logger.Level? { base.queryLogLevel }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) -> EventLoopFuture<
        Void
    > {
        statements.add(1, ordering: .relaxed)
        return base.execute(sql: query, onRow)
    }

    func execute(sql query: any SQLExpression, _ onRow: @escaping @Sendable (any SQLRow) -> Void) async throws {
        statements.add(1, ordering: .relaxed)
        try await base.execute(sql: query, onRow)
    }
}

@Suite("Conversation pages, message rates and free text")
struct MessagePageTests {
    @Test(
        "a conversation loads a page of messages with their authors in one statement, older pages by cursor",
        arguments: TestEngine.all)
    func pages(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let conversation = try await world.connectToPractice(patient)
            for index in 0..<120 {
                let sender: Identity = index.isMultiple(of: 2) ? .patient(patient.id) : desk
                _ = try await store.sendMessage(as: sender, to: conversation, body: "message \(index)")
            }
            let first = try await store.thread(as: desk, id: conversation)
            #expect(first.messages.count == 50)
            #expect(first.messages.first?.body == "message 70")
            #expect(first.messages.last?.body == "message 119")
            #expect(first.messages.last?.authorName == "Dr. Oak")
            #expect(first.messages.last?.authorOrganizationID == world.practice.id)
            #expect(first.messages.first?.authorName == "Ana")
            #expect(first.messages.first?.authorOrganizationID == nil)
            let second = try await store.thread(as: desk, id: conversation, before: first.earlierCursor)
            #expect(second.messages.map(\.body) == (20..<70).map { "message \($0)" })
            let third = try await store.thread(as: desk, id: conversation, before: second.earlierCursor)
            #expect(third.messages.map(\.body) == (0..<20).map { "message \($0)" })
            #expect(third.earlierCursor == nil)

            let statements = try await store.read { database in
                let counting = CountingDatabase(database)
                let rows = try await SpruceStore.messagePage(of: conversation, before: nil, limit: 51, in: counting)
                #expect(rows.count == 51)
                #expect(try rows[0].decode(column: "member_name", as: String?.self) == "Dr. Oak")
                #expect(try rows[1].decode(column: "patient_name", as: String?.self) == "Ana")
                return counting.count
            }
            #expect(statements == 1)
        }
    }

    @Test("messages are rate-limited per sender, across conversations", arguments: TestEngine.all)
    func messageRate(engine: TestEngine) async throws {
        var throttles = Throttles.unlimited
        throttles.messagesPerSender = RatePolicy(limit: 3, window: 60)
        try await withStore(engine, settings: testSettings(throttles: throttles)) { store, _ in
            let world = try await ConnectWorld.make(store)
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let (ana, _) = try await world.signUp("Ana", email: "ana@example.com")
            let (ben, _) = try await world.signUp("Ben", email: "ben@example.com")
            var conversations: [ConversationID] = []
            for patient in [ana, ben] {
                let id = try await world.connectToPractice(patient)
                conversations.append(id)
            }
            let now = Date()
            for index in 0..<3 {
                _ = try await store.sendMessage(as: desk, to: conversations[index % 2], body: "hi \(index)", at: now)
            }
            do {
                _ = try await store.sendMessage(as: desk, to: conversations[1], body: "one too many", at: now)
                Issue.record("the fourth message passed")
            } catch let error as TooManyAttempts {
                #expect(
                    error.description
                        == "too many messages from this account: at most 3 per minute; try again in 1 minute")
            }
            // Another sender is not affected, and the sender may write again after the window.
            _ = try await store.sendMessage(as: .patient(ana.id), to: conversations[0], body: "hello", at: now)
            _ = try await store.sendMessage(
                as: desk, to: conversations[1], body: "later", at: now.addingTimeInterval(61))
        }
    }

    @Test("names, labels and messages refuse control characters; messages keep line breaks", arguments: TestEngine.all)
    func freeText(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            await #expect(
                throws: AccountError.invalid(
                    field: "name", rule: "may not hold control characters or line breaks (U+001B)")
            ) {
                _ = try await store.signUpPatient(
                    AccountDetails(name: "Eve\u{1B}[2J", email: "eve@example.com", password: "long enough pw"))
            }
            await #expect(
                throws: AccountError.invalid(
                    field: "name", rule: "may not hold control characters or line breaks (U+000A)")
            ) {
                _ = try await store.createMember(
                    organizationID: world.practice.id,
                    details: AccountDetails(name: "Dr.\nAdmin", email: "x@oak.example", password: "long enough pw"))
            }
            await #expect(
                throws: StoreError.invalidInput(
                    field: "label", rule: "may not hold control characters or line breaks (U+0007)")
            ) {
                _ = try await store.mintLinks(MintRequest(organizationID: world.practice.id, label: "Flyer\u{7}"))
            }
            await #expect(
                throws: StoreError.invalidInput(
                    field: "label", rule: "may not hold control characters or line breaks (U+2028)")
            ) {
                _ = try await store.createAPIKey(for: world.practice.id, label: "key\u{2028}two")
            }
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let conversation = try await world.connectToPractice(patient)
            let sent = try await store.sendMessage(
                as: .patient(patient.id), to: conversation, body: "line one\r\nline two\ttab")
            #expect(sent.body == "line one\nline two\ttab")
            await #expect(
                throws: MessagingError.invalid(field: "message", rule: "may not hold control characters (U+001B)")
            ) {
                _ = try await store.sendMessage(as: .patient(patient.id), to: conversation, body: "\u{1B}]0;pwned\u{7}")
            }
            await #expect(
                throws: MessagingError.invalid(field: "message", rule: "may not hold control characters (U+0000)")
            ) {
                _ = try await store.sendMessage(as: .patient(patient.id), to: conversation, body: "nul\u{0}byte")
            }
        }
    }
}
