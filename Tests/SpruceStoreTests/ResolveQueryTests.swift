import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("resolve(code:) in one query")
struct ResolveQueryTests {
    @Test("the joined query gives the same link, tags and profile as the separate look-ups")
    func sameAsSeparateLookups() async throws {
        try await withStore { store, _ in
            try await store.seed(
                try SeedFile.load(from: fixturesFolder.appendingPathComponent("clinics.json").path),
                memberPassword: "seed password 1")
            for text in ["5093318", "4827163", "7718204", "2386619"] {
                let code = try LinkCode(text)
                let link = try #require(try await store.link(code: code))
                let organization = try await store.organization(id: link.organizationID)
                #expect(
                    try await store.resolve(code: code) == Resolution.decide(link: link, profile: organization?.profile)
                )
            }
            guard case .found(let campaign, _, _) = try await store.resolve(code: try LinkCode("5093318")) else {
                Issue.record("5093318 should resolve")
                return
            }
            #expect(campaign.tags.map(\.rawValue) == ["campaign-fall-2026", "flu-shot"])
            #expect(try await store.resolve(code: try LinkCode("1234567")) == .notFound)
        }
    }
}
