import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Messaging core")
struct MessagingTests {
    @Test(
        "the seed scenario: clinics connect, a patient signs up, a group conversation, three patient threads",
        arguments: TestEngine.all)
    func seedScenario(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let practiceDesk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let clinicDesk = Identity.member(world.clinicMember.id, of: world.clinic.id)

            // Clinic A's member (the practice) opens clinic B's link and confirms.
            guard
                case .confirmClinicConnection(_, let token) = try await store.connect(
                    visitor: .member(world.practiceMember), via: .practice(world.clinicLink.code))
            else {
                Issue.record("expected prompt")
                return
            }
            guard
                case .clinicsConnected(let clinicConversation, true) = try await store.answerClinicPrompt(
                    token, as: practiceDesk, accept: true)
            else {
                Issue.record("expected connected")
                return
            }
            for (identity, otherName) in [(practiceDesk, "Lumen Dermatology"), (clinicDesk, "Oak Street Pediatrics")] {
                let all = try await store.inbox(as: identity)
                let clinics = try await store.inbox(as: identity, filter: .clinics)
                #expect(all.entries.map(\.conversationID) == [clinicConversation])
                #expect(clinics.entries.first?.title == otherName)
                #expect(clinics.entries.first?.icon == .briefcase)
                #expect(try await store.contacts(as: identity).map(\.kind) == [.clinic])
            }
            #expect(try await store.alerts(as: clinicDesk).map(\.kind) == [.clinicAdded])
            #expect(try await store.alerts(as: .member(world.quietPracticeMember.id, of: world.practice.id)).isEmpty)

            // A logged-out visitor signs up through A's link.
            let continuation = try await world.signupContinuation()
            let (patient, _) = try await world.signUp("Ana Souza", email: "ana@example.com", continuation: continuation)
            let practiceInbox = try await store.inbox(as: practiceDesk)
            #expect(practiceInbox.entries.first?.title == "Ana Souza")
            #expect(practiceInbox.entries.first?.tags.map(\.rawValue) == ["flu-shot"])
            #expect(try await store.inbox(as: practiceDesk, filter: .clinics).entries.count == 1)

            // A group conversation A + B + the patient makes her B's contact.
            let (group, isNew) = try await store.startGroupConversation(
                as: practiceDesk, with: world.clinic.id, patient: patient.id)
            #expect(isNew)
            let clinicContacts = try await store.contacts(as: clinicDesk)
            #expect(clinicContacts.contains { $0.kind == .patient && $0.patientID == patient.id })
            let clinicView = try await store.inbox(as: clinicDesk, filter: .clinics)
            #expect(clinicView.entries.first?.conversationID == group)
            #expect(clinicView.entries.first?.title == "Oak Street Pediatrics · Ana Souza")

            // The patient sees her threads separately: the practice, and the group. (She is in no clinic thread.)
            _ = try await store.connect(visitor: .patient(patient), via: .practice(world.clinicLink.code))
            let threads = try await store.patientConversations(as: .patient(patient.id))
            #expect(threads.count == 3)
            #expect(Set(threads.map(\.kind)) == [.secure, .group])
            #expect(
                Set(try await store.getCare(as: .patient(patient.id)).map(\.profile.displayName))
                    == ["Oak Street Pediatrics", "Lumen Dermatology"])
        }
    }

    @Test(
        "a message moves its conversation to the top of every participant's inbox and alerts the others",
        arguments: TestEngine.all)
    func messagesMoveToTop(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let practiceDesk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let clinicDesk = Identity.member(world.clinicMember.id, of: world.clinic.id)
            _ = try await store.addClinic("https://spruce.care/\(world.clinicLink.code)", as: practiceDesk)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            let secure = try await world.connectToPractice(patient)
            let clinicConversation = try await store.inbox(as: clinicDesk).entries[0].conversationID
            #expect(
                try await store.inbox(as: practiceDesk).entries.map(\.conversationID) == [secure, clinicConversation])

            let message = try await store.sendMessage(
                as: clinicDesk, to: clinicConversation, body: "  Referral for Ana  ")
            #expect(message.body == "Referral for Ana")
            #expect(
                try await store.inbox(as: practiceDesk).entries.map(\.conversationID) == [clinicConversation, secure])
            #expect(try await store.inbox(as: practiceDesk).entries[0].lastMessage == "Referral for Ana")
            #expect(try await store.alerts(as: practiceDesk).first?.kind == .messageReceived)
            #expect(try await store.alerts(as: .member(world.quietPracticeMember.id, of: world.practice.id)).isEmpty)

            _ = try await store.sendMessage(as: .patient(patient.id), to: secure, body: "Hello")
            let thread = try await store.thread(as: practiceDesk, id: secure)
            #expect(thread.messages.map(\.authorName) == ["Ana"])
            #expect(
                try await store.inbox(as: practiceDesk).entries.map(\.conversationID) == [secure, clinicConversation])

            await #expect(throws: MessagingError.invalid(field: "message", rule: "is empty")) {
                _ = try await store.sendMessage(as: practiceDesk, to: secure, body: " \n ")
            }
            await #expect(throws: MessagingError.invalid(field: "message", rule: "is longer than 10000 characters")) {
                _ = try await store.sendMessage(
                    as: practiceDesk, to: secure, body: String(repeating: "x", count: 10_001))
            }
        }
    }

    @Test(
        "inbox pages by cursor: an entry that moves to the top in between is not repeated, and leads page one",
        arguments: TestEngine.all)
    func pagination(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            var ids: [ConversationID] = []
            for index in 0..<7 {
                let (patient, _) = try await world.signUp("Patient \(index)", email: "p\(index)@example.com")
                let id = try await world.connectToPractice(patient)
                ids.append(id)
            }
            let first = try await store.inbox(as: desk, limit: 3)
            #expect(first.entries.map(\.conversationID) == Array(ids.reversed().prefix(3)))
            _ = try await store.sendMessage(as: desk, to: ids[0], body: "bump")
            var seen = first.entries.map(\.conversationID)
            var cursor = first.nextCursor
            while let next = cursor {
                let page = try await store.inbox(as: desk, after: InboxCursor(next.description), limit: 3)
                seen += page.entries.map(\.conversationID)
                cursor = page.nextCursor
            }
            // Offset paging would show an entry twice here; the cursor shows each once, and the bumped one
            // (it left the part below the cursor) is now the first entry of page one.
            #expect(seen == Array(ids.reversed().dropLast()))
            #expect(Set(seen).count == seen.count)
            #expect(try await store.inbox(as: desk, limit: 3).entries.first?.conversationID == ids[0])
            #expect(InboxCursor("x1") == nil)
        }
    }

    @Test(
        "a group conversation needs connected clinics, one of your patients, and a secure account",
        arguments: TestEngine.all)
    func groupRules(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let (patient, _) = try await world.signUp("Ana", email: "ana@example.com")
            await #expect(throws: MessagingError.notConnected) {
                _ = try await store.startGroupConversation(as: desk, with: world.clinic.id, patient: patient.id)
            }
            _ = try await store.addClinic(world.clinicLink.code.rawValue, as: desk)
            await #expect(throws: MessagingError.forbidden("the patient is not one of your clinic's patients")) {
                _ = try await store.startGroupConversation(as: desk, with: world.clinic.id, patient: patient.id)
            }
            _ = try await store.connect(visitor: .patient(patient), via: .practice(world.practiceLink.code))
            try await store.transaction { database in
                try await database.update("patients").set("has_secure_account", to: SQLBind(false))
                    .where("id", .equal, SQLBind(patient.id.rawValue)).run()
            }
            await #expect(throws: MessagingError.patientWithoutSecureAccount) {
                _ = try await store.startGroupConversation(as: desk, with: world.clinic.id, patient: patient.id)
            }
        }
    }

    @Test(
        "Add Clinic takes any spelling the parser accepts; bad text and own links are refused",
        arguments: TestEngine.all)
    func addClinic(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let desk = Identity.member(world.practiceMember.id, of: world.practice.id)
            await #expect(throws: ScanError.self) {
                _ = try await store.addClinic("https://evil.example/\(world.clinicLink.code)", as: desk)
            }
            #expect(try await store.addClinic("spruce.care/\(world.practiceLink.code)", as: desk) == .ownPractice)
            let spelled = "  HTTPS://WWW.Spruce.Care/\(world.clinicLink.code)/?utm_source=fax  "
            guard case .clinicsConnected(let id, true) = try await store.addClinic(spelled, as: desk) else {
                Issue.record("expected connected")
                return
            }
            guard case .clinicsConnected(id, false) = try await store.addClinic(spelled, as: desk) else {
                Issue.record("expected the same conversation")
                return
            }
            await #expect(throws: MessagingError.forbidden("only members of a clinic can do this")) {
                _ = try await store.addClinic(spelled, as: .anonymous)
            }
        }
    }

    @Test("accounts: emails case-folded and unique per kind, fields checked", arguments: TestEngine.all)
    func accounts(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            await #expect(throws: AccountError.emailTaken) {
                _ = try await store.createMember(
                    organizationID: world.clinic.id,
                    details: AccountDetails(name: "Dup", email: "OAK@oak.example", password: "correct horse"))
            }
            _ = try await world.signUp("Patient Oak", email: "oak@oak.example")
            await #expect(throws: AccountError.emailTaken) {
                _ = try await world.signUp("Again", email: "Oak@Oak.Example")
            }
            await #expect(throws: AccountError.invalid(field: "password", rule: "is shorter than 10 characters")) {
                _ = try await store.signUpPatient(AccountDetails(name: "X", email: "x@example.com", password: "short"))
            }
            await #expect(throws: AccountError.invalid(field: "email", rule: "\"not-an-email\" has no @")) {
                _ = try await store.signUpPatient(
                    AccountDetails(name: "X", email: "not-an-email", password: "long enough pw"))
            }
            await #expect(throws: AccountError.invalid(field: "email", rule: "or a phone number is required")) {
                _ = try await store.signUpPatient(AccountDetails(name: "X", password: "long enough pw"))
            }
            let (byPhone, _) = try await store.signUpPatient(
                AccountDetails(name: "Phone Only", phone: "+1 (217) 555-0199", password: "long enough pw"))
            #expect(byPhone.phone == "+12175550199")
            guard
                case .patient(let found) = try await store.authenticate(
                    login: "+1 217 555 0199", password: "long enough pw")
            else {
                Issue.record("expected patient")
                return
            }
            #expect(found.id == byPhone.id)
        }
    }

    @Test("password hashes are scrypt at the recommended cost, salted, and verify")
    func passwordHashing() throws {
        let hasher = PasswordHasher()
        let hash = try hasher.hash("correct horse battery")
        #expect(hash.hasPrefix("scrypt$32768$8$1$"))
        #expect(hash != (try hasher.hash("correct horse battery")))
        #expect(hasher.verify("correct horse battery", against: hash))
        #expect(!hasher.verify("correct horse batterz", against: hash))
        #expect(!hasher.verify("x", against: "sha256$abc"))
    }
}
