import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

@Suite("Invitations and resolution in the store")
struct InvitationStoreTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("only the token's digest is stored", arguments: TestEngine.all)
    func digestOnly(engine: TestEngine) async throws {
        try await withStore(engine) { store, location in
            let (_, primary) = try await store.createOrganization(sampleProfile())
            let (invitation, token) = try await store.invite(
                link: primary.code, recipient: InvitationRecipient(name: "Ana", email: "Ana@Example.com"), at: now)
            #expect(invitation.tokenDigest == token.digest)
            #expect(invitation.recipient.email == "ana@example.com")
            let stored = try await store.read { database in
                try await database.select().column(SQLLiteral.all).from("invitations").all()
                    .map { row in row.allColumns.map { (try? row.decode(column: $0, as: String.self)) ?? "" } }
            }
            #expect(stored.count == 1)
            #expect(!stored.joined().contains { $0.contains(token.rawValue) })
            #expect(stored.joined().contains(token.digest.hex))
            guard case .sqlite(let path) = location else { return }
            await store.close()
            let bytes =
                try Data(contentsOf: URL(fileURLWithPath: path))
                + ((try? Data(contentsOf: URL(fileURLWithPath: path + "-wal"))) ?? Data())
            #expect(bytes.range(of: Data(token.rawValue.utf8)) == nil)
            #expect(bytes.range(of: Data(token.digest.hex.utf8)) != nil)
        }
    }

    @Test("an invitation resolves until it is used, expires or is revoked", arguments: TestEngine.all)
    func lifecycle(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (organization, primary) = try await store.createOrganization(sampleProfile())
            let tagged = try await store.mintLinks(
                MintRequest(organizationID: organization.id, tags: [try ConversationTag("flu-shot")]))[0]
            let recipient = InvitationRecipient(phone: "+12175550100")
            let (invitation, token) = try await store.invite(
                link: tagged.code, recipient: recipient, lifetime: 3600, at: now)
            #expect(invitation.tags == [try ConversationTag("flu-shot")])

            guard case .found(let link, let profile, let found) = try await store.resolve(invitation: token, at: now)
            else {
                Issue.record("expected found")
                return
            }
            #expect(link.code == tagged.code)
            #expect(profile.displayName == "Oak Street Pediatrics")
            #expect(found?.id == invitation.id)

            #expect(try await store.resolve(invitation: token, at: now.addingTimeInterval(3600)) == .invitationExpired)
            await #expect(throws: InvitationUnavailable(resolution: .invitationExpired)) {
                try await store.acceptInvitation(token, at: now.addingTimeInterval(7200))
            }

            try await store.acceptInvitation(token, at: now.addingTimeInterval(60))
            #expect(try await store.resolve(invitation: token, at: now.addingTimeInterval(61)) == .invitationAccepted)
            await #expect(throws: InvitationUnavailable(resolution: .invitationAccepted)) {
                try await store.acceptInvitation(token, at: now.addingTimeInterval(62))
            }

            let (second, secondToken) = try await store.invite(
                link: primary.code, recipient: recipient, at: now)
            try await store.revokeInvitation(id: second.id, at: now)
            #expect(try await store.resolve(invitation: secondToken, at: now) == .invitationRevoked)
            await #expect(throws: InvitationUnavailable(resolution: .invitationRevoked)) {
                try await store.acceptInvitation(secondToken, at: now)
            }
            #expect(try await store.resolve(invitation: InvitationToken.generate(), at: now) == .notFound)
            #expect(try await store.invitations(of: organization.id).map(\.id) == [second.id, invitation.id])
        }
    }

    @Test("of 50 concurrent uses of one invitation exactly one succeeds", arguments: TestEngine.all)
    func singleUse(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, primary) = try await store.createOrganization(sampleProfile())
            let (_, token) = try await store.invite(
                link: primary.code, recipient: InvitationRecipient(email: "a@example.com"), at: now)
            let successes = await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<50 { group.addTask { (try? await store.acceptInvitation(token, at: now)) != nil } }
                return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(successes == 1)
        }
    }

    @Test(
        "an invitation through a disabled link resolves as disabled, and none can be made for it",
        arguments: TestEngine.all)
    func disabledLink(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, primary) = try await store.createOrganization(sampleProfile())
            let (_, token) = try await store.invite(
                link: primary.code, recipient: InvitationRecipient(email: "a@example.com"), at: now)
            try await store.disableLink(code: primary.code, in: .everyOrganization)
            #expect(try await store.resolve(invitation: token, at: now) == .disabled)
            await #expect(
                throws: StoreError.invalidInput(field: "link", rule: "is disabled; invitations need an active link")
            ) {
                _ = try await store.invite(link: primary.code, recipient: InvitationRecipient(email: "b@example.com"))
            }
            await #expect(
                throws: StoreError.invalidInput(field: "recipient", rule: "needs an email address or a phone number")
            ) {
                _ = try await store.invite(link: primary.code, recipient: InvitationRecipient(name: "Nobody"))
            }
        }
    }

    @Test("resolving a code: found, not found, disabled", arguments: TestEngine.all)
    func resolveCodes(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (_, primary) = try await store.createOrganization(sampleProfile())
            guard case .found(let link, let profile, nil) = try await store.resolve(code: primary.code) else {
                Issue.record("expected found")
                return
            }
            #expect(link == primary)
            #expect(profile.monogram == "OS")
            #expect(try await store.resolve(code: try LinkCode("9999999")) == .notFound)
            try await store.disableLink(code: primary.code, in: .everyOrganization)
            #expect(try await store.resolve(code: primary.code) == .disabled)
            await #expect(throws: StoreError.linkNotFound) {
                try await store.disableLink(code: try LinkCode("9999999"), in: .everyOrganization)
            }
        }
    }
}

@Suite("Seeding from Fixtures")
struct SeedTests {
    @Test("the fixture seeds five clinics, and seeding twice changes nothing", arguments: TestEngine.all)
    func seedIsIdempotent(engine: TestEngine) async throws {
        let file = try SeedFile.load(from: fixturesFolder.appendingPathComponent("clinics.json").path)
        try await withStore(engine) { store, _ in
            let first = try await store.seed(file, memberPassword: "seed password")
            #expect(first.organizationsCreated == 5)
            #expect(first.membersCreated == 6)
            let second = try await store.seed(file, memberPassword: "seed password")
            #expect(second == SeedReport(organizationsCreated: 0, organizationsAlreadyPresent: 5, linksCreated: 0))
            let organizations = try await store.organizations()
            #expect(organizations.count == 5)
            #expect(Set(organizations.map(\.profile.specialty)).count == 5)
            #expect(try await store.resolve(code: try LinkCode("oak-street-pediatrics")).httpStatus == 200)
            #expect(try await store.resolve(code: try LinkCode("7718204")) == .disabled)
            guard case .found(let campaign, _, _) = try await store.resolve(code: try LinkCode("5093318")) else {
                Issue.record("campaign link missing")
                return
            }
            #expect(campaign.tags.map(\.rawValue) == ["campaign-fall-2026", "flu-shot"])
        }
    }

    @Test("a seed file with a bad code names the field")
    func badSeedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("seed-\(UUID().uuidString).json")
        try Data(#"{"organizations":[{"profile":{"displayName":"X"},"links":[{"code":"ab","label":"x"}]}]}"#.utf8)
            .write(to: folder)
        defer { try? FileManager.default.removeItem(at: folder) }
        #expect(throws: StoreError.self) { try SeedFile.load(from: folder.path) }
        do {
            _ = try SeedFile.load(from: folder.path)
        } catch {
            #expect(String(describing: error).contains("organizations.0.links.0.code"))
        }
    }
}
