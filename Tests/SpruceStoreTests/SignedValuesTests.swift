import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Signed values read for display, under the store's one signing key")
struct SignedValuesTests {
    @Test("a continuation shows only while it verifies: not altered, not expired")
    func continuation() async throws {
        try await withStore(.sqlite) { store, _ in
            let world = try await ConnectWorld.make(store)
            let continuation = try await world.signupContinuation()
            #expect(store.verifiedContinuation(continuation)?.code == world.practiceLink.code)
            #expect(store.verifiedContinuation(Self.altered(continuation)) == nil)
            let later = Date().addingTimeInterval(SignupContinuation.lifetime + 60)
            #expect(store.verifiedContinuation(continuation, at: later) == nil)
        }
    }

    @Test("a clinic prompt shows only to the member it was made for, while it verifies")
    func prompt() async throws {
        try await withStore(.sqlite) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (prompt, token) = try await world.clinicPrompt()
            #expect(store.verifiedPrompt(token, for: world.clinicMember.id) == prompt)
            #expect(store.verifiedPrompt(token, for: world.practiceMember.id) == nil)
            #expect(store.verifiedPrompt(Self.altered(token), for: world.clinicMember.id) == nil)
            let later = Date().addingTimeInterval(ClinicPrompt.lifetime + 60)
            #expect(store.verifiedPrompt(token, for: world.clinicMember.id, at: later) == nil)
        }
    }

    /// `text` with its first character (all six bits of it count) replaced by another.
    static func altered(_ text: String) -> String {
        (text.first == "e" ? "f" : "e") + text.dropFirst()
    }
}
