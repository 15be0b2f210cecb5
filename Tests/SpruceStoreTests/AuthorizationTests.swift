import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

/// Every read and write of the messaging core × every kind of identity (authorization in the store:
/// docs/ARCHITECTURE.md, "Messaging").
@Suite("Authorization matrix")
struct AuthorizationTests {
    enum Who: String, CaseIterable, Sendable {
        case ownMember, otherMember, thePatient, anotherPatient, anonymous, forgedMember
    }

    enum Operation: String, CaseIterable, Sendable {
        case readThread, sendMessage, inbox, alerts, contacts, patientThreads, getCare, startGroup, addClinic
    }

    /// Who may do what; everything else must be refused.
    static let allowed: [Operation: Set<Who>] = [
        .readThread: [.ownMember, .thePatient],
        .sendMessage: [.ownMember, .thePatient],
        .inbox: [.ownMember, .otherMember],
        .alerts: [.ownMember, .otherMember],
        .contacts: [.ownMember, .otherMember],
        .patientThreads: [.thePatient, .anotherPatient],
        .getCare: [.thePatient, .anotherPatient],
        .startGroup: [.ownMember],
        .addClinic: [.ownMember, .otherMember],
    ]

    static let cases: [(Operation, Who)] = Operation.allCases.flatMap { operation in
        Who.allCases.map { (operation, $0) }
    }

    @Test("operation × identity", arguments: TestEngine.all, cases)
    func matrix(engine: TestEngine, testCase: (Operation, Who)) async throws {
        let (operation, who) = testCase
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let (other, _) = try await world.signUp("Other", email: "other@example.com")
            let conversation = try await world.connectToPractice(patient)
            let ownDesk = Identity.member(world.practiceMember.id, of: world.practice.id)
            _ = try await store.addClinic(world.clinicLink.code.rawValue, as: ownDesk)

            let identity: Identity =
                switch who {
                case .ownMember: ownDesk
                case .otherMember: .member(world.clinicMember.id, of: world.clinic.id)
                case .thePatient: .patient(patient.id)
                case .anotherPatient: .patient(other.id)
                case .anonymous: .anonymous
                case .forgedMember: .member(world.clinicMember.id, of: world.practice.id)
                }
            let isAllowed = Self.allowed[operation, default: []].contains(who)
            do {
                switch operation {
                case .readThread:
                    _ = try await store.thread(as: identity, id: conversation)
                case .sendMessage:
                    _ = try await store.sendMessage(as: identity, to: conversation, body: "hi")
                case .inbox:
                    let page = try await store.inbox(as: identity)
                    #expect(page.entries.contains { $0.conversationID == conversation } == (who == .ownMember))
                case .alerts:
                    _ = try await store.alerts(as: identity)
                case .contacts:
                    let contacts = try await store.contacts(as: identity)
                    #expect(contacts.contains { $0.patientID == patient.id } == (who == .ownMember))
                case .patientThreads:
                    let threads = try await store.patientConversations(as: identity)
                    #expect(threads.contains { $0.conversationID == conversation } == (who == .thePatient))
                case .getCare:
                    let care = try await store.getCare(as: identity)
                    #expect(care.isEmpty == (who == .anotherPatient))
                case .startGroup:
                    _ = try await store.startGroupConversation(as: identity, with: world.clinic.id, patient: patient.id)
                case .addClinic:
                    let target = who == .ownMember ? world.clinicLink.code : world.practiceLink.code
                    _ = try await store.addClinic(target.rawValue, as: identity)
                }
                #expect(isAllowed, "\(operation.rawValue) should be refused for \(who.rawValue)")
            } catch let error as MessagingError {
                #expect(!isAllowed, "\(operation.rawValue) should be allowed for \(who.rawValue): \(error)")
                if operation == .readThread || operation == .sendMessage {
                    #expect(error == .notFound)
                }
            }
        }
    }

    @Test(
        "a refused read of an existing conversation and of a missing one give the same error", arguments: TestEngine.all
    )
    func sameErrorForMissing(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let conversation = try await world.connectToPractice(patient)
            let outsider = Identity.member(world.clinicMember.id, of: world.clinic.id)
            var messages: [String] = []
            for id in [conversation, ConversationID(rawValue: 987_654)] {
                do {
                    _ = try await store.thread(as: outsider, id: id)
                } catch {
                    messages.append(String(describing: error))
                }
            }
            #expect(messages == ["no such conversation", "no such conversation"])
        }
    }
}
