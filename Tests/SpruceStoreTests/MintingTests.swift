import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Minting in a crowded code space")
struct MintingTests {
    /// A million links into a store that holds a million, scaled down: the source draws from a space only 2.4 times
    /// the links in the end, so the last draws collide four times in five and the call sees far more than
    /// `maximumMintAttempts` collisions in all, never that many in a row.
    @Test("a large batch into a well-used space mints every link in one call", arguments: TestEngine.all)
    func largeBatchIntoCrowdedSpace(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let request = MintRequest(organizationID: organization.id, kind: .numeric(length: 7))
            let source = SmallSpaceCodeSource(space: 24_000)
            let before = try await store.mint(request, count: 10_000, codes: source)
            let drawsBefore = source.drawCount
            let minted = try await store.mint(request, count: 10_000, codes: source)
            #expect(minted.links.count == 10_000)
            #expect(minted.codeLength == 7 && minted.crowdedLength == nil)
            let all = Set((before.links + minted.links).map(\.code))
            #expect(all.count == 20_000)
            #expect(source.drawCount - drawsBefore - 10_000 > SpruceStore.maximumMintAttempts)
            #expect(try await store.links(of: organization.id).count == 20_001)
        }
    }

    @Test("concurrent mints into a small space never hand out one code twice", arguments: TestEngine.all)
    func concurrentMintsInSmallSpace(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let request = MintRequest(organizationID: organization.id, kind: .numeric(length: 7))
            let source = SmallSpaceCodeSource(space: 12_000)
            let minted = try await withThrowingTaskGroup(of: [PracticeLink].self) { group in
                for _ in 0..<4 { group.addTask { try await store.mintLinks(request, count: 2_000, codes: source) } }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(minted.count == 8_000)
            #expect(Set(minted.map(\.code)).count == 8_000)
            #expect(try await store.links(of: organization.id).count == 8_001)
        }
    }

    @Test("a length more than 10 % used moves minting to the next length, and says so", arguments: TestEngine.all)
    func lengthSwitch(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let source = SmallSpaceCodeSource(first: 100_000, space: 100, reportedCapacity: [6: 100])
            let six = MintRequest(organizationID: organization.id, kind: .numeric(length: 6))
            let filled = try await store.mint(six, count: 9, codes: source)
            #expect(filled.codeLength == 6 && filled.crowdedLength == nil && filled.lengthNotice == nil)
            let tenth = try await store.mint(six, count: 1, codes: source)
            #expect(tenth.codeLength == 6, "10 of 100 used is not more than 10 %")
            let moved = try await store.mint(six, count: 3, codes: source)
            #expect(moved.codeLength == 7 && moved.crowdedLength == 6)
            #expect(moved.links.allSatisfy { $0.code.rawValue.count == 7 })
            #expect(moved.lengthNotice == "6-digit codes are more than 10 % used: minted 7-digit codes instead")
            var exact = six
            exact.lengthPolicy = .exact
            let kept = try await store.mint(exact, count: 1, codes: source)
            #expect(kept.codeLength == 6 && kept.links[0].code.rawValue.count == 6)
        }
    }

    @Test(
        "a space with no free code left still fails after that many fruitless draws in a row",
        arguments: TestEngine.all)
    func exhaustedSpaceFails(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, _) = try await store.createOrganization(sampleProfile())
            let request = MintRequest(organizationID: organization.id, kind: .numeric(length: 7), lengthPolicy: .exact)
            let source = SmallSpaceCodeSource(space: 50)
            _ = try await store.mint(request, count: 50, codes: source)
            let error = await #expect(throws: StoreError.self) {
                _ = try await store.mint(request, count: 10, codes: source)
            }
            guard case .noFreeCode(let attempts)? = error else {
                Issue.record("expected noFreeCode, got \(String(describing: error))")
                return
            }
            #expect(attempts > SpruceStore.maximumMintAttempts && attempts <= SpruceStore.maximumMintAttempts + 10)
            #expect(try await store.links(of: organization.id).count == 51)
        }
    }
}
