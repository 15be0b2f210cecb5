import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Page views: what a page shows, in one store operation")
struct PageViewTests {
    @Test("the inbox, contacts and Get Care views hold what the separate reads return", arguments: TestEngine.all)
    func viewsMatchTheReads(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let practiceDesk = Identity.member(world.practiceMember.id, of: world.practice.id)
            let (_, token) = try await world.clinicPrompt()
            let clinicDesk = Identity.member(world.clinicMember.id, of: world.clinic.id)
            _ = try await store.answerClinicPrompt(token, as: clinicDesk, accept: true)
            let continuation = try await world.signupContinuation()
            let (patient, _) = try await world.signUp("Ana Souza", email: "ana@example.com", continuation: continuation)

            let inbox = try await store.inboxView(as: practiceDesk, alertsShown: 5)
            #expect(inbox.organization.id == world.practice.id)
            #expect(
                inbox.page.entries.map(\.conversationID)
                    == (try await store.inbox(as: practiceDesk)).entries.map(\.conversationID))
            #expect(inbox.page.entries.count == 2)
            #expect(inbox.alerts.map(\.id) == (try await store.alerts(as: practiceDesk, limit: 5)).map(\.id))
            #expect(!inbox.alerts.isEmpty)

            let contacts = try await store.contactsView(as: practiceDesk)
            #expect(contacts.organization.profile.displayName == "Oak Street Pediatrics")
            #expect(contacts.contacts.map(\.displayName).sorted() == ["Ana Souza", "Lumen Dermatology"])

            let patientIdentity = Identity.patient(patient.id)
            let care = try await store.careView(as: patientIdentity)
            #expect(care.practices.map(\.id) == [world.practice.id])
            #expect(care.conversations.count == 1)

            // Each view is for its own kind of visitor, as the reads it gathers are.
            await #expect(throws: MessagingError.self) {
                try await store.inboxView(as: patientIdentity, alertsShown: 5)
            }
            await #expect(throws: MessagingError.self) { try await store.contactsView(as: patientIdentity) }
            await #expect(throws: MessagingError.self) { try await store.careView(as: practiceDesk) }
        }
    }
}
