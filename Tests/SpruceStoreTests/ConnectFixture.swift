import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

/// Two clinics with members, and helpers to count what a flow wrote.
struct ConnectWorld {
    let store: SpruceStore
    let practice: Organization
    let practiceLink: PracticeLink
    let clinic: Organization
    let clinicLink: PracticeLink
    /// Members of the practice: one with notifications on, one with them off.
    let practiceMember: Member
    let quietPracticeMember: Member
    let clinicMember: Member

    static func make(_ store: SpruceStore) async throws -> ConnectWorld {
        let (practice, practiceLink) = try await store.createOrganization(sampleProfile("Oak Street Pediatrics"))
        let tagged = try await store.mintLinks(
            MintRequest(organizationID: practice.id, label: "Flu flyer", tags: [try ConversationTag("flu-shot")]))[0]
        let (clinic, clinicLink) = try await store.createOrganization(sampleProfile("Lumen Dermatology", kind: .clinic))
        let practiceMember = try await store.createMember(
            organizationID: practice.id,
            details: AccountDetails(name: "Dr. Oak", email: "oak@oak.example", password: "correct horse"))
        let quiet = try await store.createMember(
            organizationID: practice.id,
            details: AccountDetails(name: "Front Desk", email: "desk@oak.example", password: "correct horse"),
            notificationsOn: false)
        let clinicMember = try await store.createMember(
            organizationID: clinic.id,
            details: AccountDetails(name: "Dr. Lumen", email: "lumen@lumen.example", password: "correct horse"))
        _ = practiceLink
        return ConnectWorld(
            store: store, practice: practice, practiceLink: tagged, clinic: clinic, clinicLink: clinicLink,
            practiceMember: practiceMember, quietPracticeMember: quiet, clinicMember: clinicMember)
    }

    func signUp(_ name: String, email: String, continuation: String? = nil) async throws -> (Patient, ConnectOutcome?) {
        try await store.signUpPatient(
            AccountDetails(name: name, email: email, password: "patient password"),
            continuation: continuation)
    }

    /// The signup continuation an anonymous visitor gets from the practice's link.
    func signupContinuation() async throws -> String {
        let outcome = try await store.connect(visitor: .anonymous, via: .practice(practiceLink.code))
        guard case .signupRequired(let continuation, _) = outcome else {
            throw ScratchError(description: "expected a signup, got \(outcome)")
        }
        return continuation
    }

    /// Connects `patient` to the practice through its link and returns their conversation.
    func connectToPractice(_ patient: Patient) async throws -> ConversationID {
        let outcome = try await store.connect(visitor: .patient(patient), via: .practice(practiceLink.code))
        guard case .connected(let conversation, _) = outcome else {
            throw ScratchError(description: "expected connected, got \(outcome)")
        }
        return conversation
    }

    /// The prompt the clinic's member gets on opening the practice's link, and its signed token.
    func clinicPrompt() async throws -> (ClinicPrompt, String) {
        let outcome = try await store.connect(visitor: .member(clinicMember), via: .practice(practiceLink.code))
        guard case .confirmClinicConnection(let prompt, let token) = outcome else {
            throw ScratchError(description: "expected a prompt, got \(outcome)")
        }
        return (prompt, token)
    }

    /// Row counts of every table a flow writes.
    func counts() async throws -> RowCounts {
        try await store.read { database in
            var counts: [String: Int] = [:]
            for table in RowCounts.tables {
                let row = try await database.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
                    .from(table).first()
                counts[table] = try row?.decode(column: "n", as: Int.self) ?? 0
            }
            return RowCounts(values: counts)
        }
    }
}

struct RowCounts: Equatable, Sendable, CustomStringConvertible {
    static let tables = ["patients", "contacts", "conversations", "conversation_participants", "alerts", "invitations"]
    let values: [String: Int]

    subscript(_ table: String) -> Int { values[table] ?? 0 }

    /// What changed from `before` to `self`, tables with no change left out.
    func delta(from before: RowCounts) -> [String: Int] {
        var delta: [String: Int] = [:]
        for table in Self.tables where self[table] != before[table] { delta[table] = self[table] - before[table] }
        return delta
    }

    var description: String { values.sorted { $0.key < $1.key }.map { "\($0)=\($1)" }.joined(separator: " ") }
}
