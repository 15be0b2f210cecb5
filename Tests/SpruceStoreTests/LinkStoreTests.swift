import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Links in the store")
struct LinkStoreTests {
    @Test("creating an organization mints one primary numeric link", arguments: TestEngine.all)
    func primaryLink(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, primary) = try await store.createOrganization(sampleProfile())
            #expect(primary.isPrimary)
            #expect(primary.code.kind == .numeric)
            #expect(primary.organizationID == organization.id)
            #expect(try await store.links(of: organization.id) == [primary])
        }
    }

    @Test("a forced collision is retried with a fresh code, never check-then-insert", arguments: TestEngine.all)
    func collisionsRetried(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let first = try await store.mintLinks(
                MintRequest(organizationID: organization.id), codes: try ScriptedCodeSource(["1234567"]))
            #expect(first.map(\.code.rawValue) == ["1234567"])
            let source = try ScriptedCodeSource(["1234567", "1234567", "7654321"])
            let second = try await store.mintLinks(MintRequest(organizationID: organization.id), codes: source)
            #expect(second.map(\.code.rawValue) == ["7654321"])
            #expect(source.drawCount == 3)
        }
    }

    @Test("a code space with no room left is a clear error and mints nothing", arguments: TestEngine.all)
    func exhaustedCodes(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            _ = try await store.mintLinks(
                MintRequest(organizationID: organization.id), codes: try ScriptedCodeSource(["1234567"]))
            let always = try ScriptedCodeSource(Array(repeating: "1234567", count: 2_000))
            await #expect(throws: StoreError.self) {
                _ = try await store.mintLinks(MintRequest(organizationID: organization.id), count: 3, codes: always)
            }
            #expect(try await store.links(of: organization.id).count == 2)
        }
    }

    @Test("concurrent minting from several tasks yields no duplicate codes", arguments: TestEngine.all)
    func concurrentMinting(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let request = MintRequest(organizationID: organization.id, kind: .numeric(length: 6))
            let batches = try await withThrowingTaskGroup(of: [PracticeLink].self) { group in
                for _ in 0..<8 { group.addTask { try await store.mintLinks(request, count: 250) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(batches.count == 2_000)
            #expect(Set(batches.map(\.code)).count == 2_000)
            #expect(try await store.links(of: organization.id).count == 2_001)
        }
    }

    @Test("10 000 links in one transaction, with tags on each", arguments: TestEngine.all)
    func bulkMint(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let tags = [try ConversationTag("campaign"), try ConversationTag("flu-shot")]
            let request = MintRequest(organizationID: organization.id, label: "Flyers", tags: tags)
            let minted = try await store.mintLinks(request, count: 10_000)
            #expect(Set(minted.map(\.code)).count == 10_000)
            let stored = try await store.links(of: organization.id)
            #expect(stored.count == 10_001)
            #expect(stored.dropFirst().allSatisfy { $0.tags == tags && $0.label == "Flyers" })
        }
    }

    @Test("many tags on a large batch stay under the engines' bind limits", arguments: TestEngine.all)
    func manyTags(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let tags = try (0..<12).map { try ConversationTag("tag-\($0)") }
            // 2 000 links × 12 tags × 2 binds would be 48 000 binds in one statement without the split.
            let minted = try await store.mintLinks(
                MintRequest(organizationID: organization.id, tags: tags), count: 2_500)
            #expect(minted.count == 2_500)
            let stored = try await store.links(of: organization.id)
            #expect(stored.dropFirst().allSatisfy { $0.tags.count == 12 })
        }
    }

    @Test("a disabled code is never handed to another organization", arguments: TestEngine.all)
    func disabledNeverReissued(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (first, _) = try await store.createOrganization(sampleProfile())
            let (second, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology", kind: .clinic))
            let vanity = try LinkCode("oak-kids")
            _ = try await store.mintLinks(MintRequest(organizationID: first.id, kind: .chosen(vanity)))
            let disabled = try await store.disableLink(code: vanity, in: .everyOrganization)
            #expect(disabled.status == .disabled)
            await #expect(throws: StoreError.codeTaken) {
                _ = try await store.mintLinks(MintRequest(organizationID: second.id, kind: .chosen(vanity)))
            }
            let retried = try await store.mintLinks(
                MintRequest(organizationID: second.id), codes: try ScriptedCodeSource(["5550001"]))
            _ = try await store.disableLink(code: retried[0].code, in: .everyOrganization)
            let again = try await store.mintLinks(
                MintRequest(organizationID: first.id), codes: try ScriptedCodeSource(["5550001", "5550002"]))
            #expect(again.map(\.code.rawValue) == ["5550002"])
            #expect(try await store.resolve(code: vanity) == .disabled)
        }
    }

    @Test("vanity codes from the name take a numeric suffix on collision", arguments: TestEngine.all)
    func vanityFromName(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (first, _) = try await store.createOrganization(sampleProfile())
            let (second, _) = try await store.createOrganization(sampleProfile())
            let a = try await store.mintLinks(MintRequest(organizationID: first.id, kind: .vanityFromName))
            let b = try await store.mintLinks(MintRequest(organizationID: second.id, kind: .vanityFromName))
            #expect(a.map(\.code.rawValue) == ["oak-street-pediatrics"])
            #expect(b.map(\.code.rawValue) == ["oak-street-pediatrics-2"])
        }
    }

    @Test("bad mint requests are refused and write nothing", arguments: TestEngine.all)
    func badMintRequests(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let cases: [(MintRequest, Int, StoreError)] = [
                (
                    MintRequest(organizationID: organization.id), 0,
                    .invalidInput(field: "count", rule: "must be between 1 and 1000000")
                ),
                (MintRequest(organizationID: OrganizationID(rawValue: 999)), 1, .organizationNotFound(id: 999)),
                (
                    MintRequest(organizationID: organization.id, label: String(repeating: "x", count: 201)), 1,
                    .invalidInput(field: "label", rule: "longer than 200 characters")
                ),
                (
                    MintRequest(organizationID: organization.id, kind: .vanityFromName), 2,
                    .invalidInput(field: "count", rule: "a vanity code is minted one at a time")
                ),
                (
                    MintRequest(organizationID: organization.id, kind: .numeric(length: 11)), 1,
                    .invalidInput(field: "length", rule: "numeric codes have 6 to 10 digits")
                ),
            ]
            for (request, count, expected) in cases {
                await #expect(throws: expected) { _ = try await store.mintLinks(request, count: count) }
            }
            #expect(try await store.links(of: organization.id).count == 1)
        }
    }

    @Test("a second primary link for one organization is refused by the database", arguments: TestEngine.all)
    func onePrimary(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            await #expect(throws: (any Error).self) {
                _ = try await store.mintLinks(MintRequest(organizationID: organization.id, isPrimary: true))
            }
            #expect(try await store.links(of: organization.id).filter(\.isPrimary).count == 1)
        }
    }

    @Test("profiles that break a limit are refused before anything is written", arguments: TestEngine.all)
    func badProfiles(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ async throws in
            await #expect(throws: ProfileError.empty(field: "name")) {
                _ = try await store.createOrganization(ClinicProfile(displayName: "   "))
            }
            await #expect(throws: ProfileError.tooLong(field: "name", maximum: 120)) {
                _ = try await store.createOrganization(ClinicProfile(displayName: String(repeating: "a", count: 121)))
            }
            #expect(try await store.organizations().isEmpty)
        }
    }
}
