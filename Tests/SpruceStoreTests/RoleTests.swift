import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

/// Member roles: who becomes admin, what staff may not do, the last admin, removal (docs/ARCHITECTURE.md,
/// "Roles").
let storePackageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

@Suite("Member roles")
struct RoleTests {
    static let password = "correct horse"

    static func member(_ store: SpruceStore, _ org: Organization, _ email: String, role: MemberRole? = nil)
        async throws -> Member
    {
        try await store.createMember(
            organizationID: org.id, details: AccountDetails(name: email, email: email, password: password), role: role)
    }

    @Test("an organization's first member is its admin, later ones staff unless asked", arguments: TestEngine.all)
    func firstMemberIsAdmin(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            let first = try await Self.member(store, org, "first@oak.example", role: .staff)
            let second = try await Self.member(store, org, "second@oak.example")
            let third = try await Self.member(store, org, "third@oak.example", role: .admin)
            #expect([first.role, second.role, third.role] == [.admin, .staff, .admin])
            #expect(try await store.member(id: second.id)?.role == .staff)
        }
    }

    @Test("seeded organizations: the first member of each is admin, the others staff")
    func seededRoles() async throws {
        try await withStore(.sqlite) { store, _ in
            let file = try SeedFile.load(from: storePackageRoot.appendingPathComponent("Fixtures/clinics.json").path)
            try await store.seed(file, memberPassword: "seed password 1")
            for (organization, seed) in zip(try await store.organizations(), file.organizations) {
                let members = try await store.members(in: .everyOrganization, of: organization.id)
                for (index, seeded) in (seed.members ?? []).enumerated() {
                    let member = members.first { $0.email == seeded.email.lowercased() }
                    #expect(member?.role == (index == 0 ? .admin : .staff))
                }
            }
        }
    }

    @Test("migration 9 makes every existing member an admin", arguments: TestEngine.all)
    func existingMembersBecomeAdmins(engine: TestEngine) async throws {
        let scratch = try await ScratchDatabase.make(engine)
        let old = try await SpruceStore.open(scratch.location, settings: testSettings(), runMigrations: false)
        do {
            try await old.migrate(upTo: 7)
            try await old.transaction { database in
                try await database.insert(into: "organizations")
                    .columns("display_name", "kind", "accepts_new_patients", "created_at")
                    .values(SQLBind("Old Clinic"), SQLBind("practice"), SQLBind(true), SQLBind(Int64(0))).run()
                for email in ["a@old.example", "b@old.example"] {
                    try await database.insert(into: "members")
                        .columns("organization_id", "name", "email", "password_hash", "notifications_on", "created_at")
                        .values(
                            SQLBind(Int64(1)), SQLBind(email), SQLBind(email), SQLBind("x"), SQLBind(true),
                            SQLBind(Int64(0))
                        ).run()
                }
            }
            try await old.migrate()
            let members = try await old.members(in: .everyOrganization, of: OrganizationID(rawValue: 1))
            #expect(members.count == 2)
            #expect(members.allSatisfy { $0.role == .admin })
            await old.close()
            try await scratch.remove()
        } catch {
            await old.close()
            try? await scratch.remove()
            throw error
        }
    }

    @Test("staff may not mint, disable, color links, see the team or API keys; admins may", arguments: TestEngine.all)
    func staffRefused(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, primary) = try await store.createOrganization(sampleProfile())
            let admin = try await Self.member(store, org, "admin@oak.example")
            let staff = try await Self.member(store, org, "staff@oak.example")
            let staffScope = try await store.workspaceScope(as: .member(staff.id, of: org.id))
            let adminScope = try await store.workspaceScope(as: .member(admin.id, of: org.id))
            #expect(staffScope == .staff(org.id))
            #expect(adminScope == .only(org.id))
            let colors = try QRColors(foreground: "#1a4d2e", background: "#f5f0e6")
            await #expect(throws: StoreError.forbidden("only an admin of the practice may mint links")) {
                _ = try await store.mint(MintRequest(organizationID: org.id), in: staffScope)
            }
            await #expect(throws: StoreError.forbidden("only an admin of the practice may disable links")) {
                try await store.disableLink(code: primary.code, in: staffScope)
            }
            await #expect(throws: StoreError.forbidden("only an admin of the practice may change QR colors")) {
                try await store.setQRColors(colors, code: primary.code, in: staffScope)
            }
            await #expect(throws: StoreError.self) { _ = try await store.members(in: staffScope, of: org.id) }
            await #expect(throws: StoreError.self) { _ = try await store.apiKeys(of: org.id, in: staffScope) }
            await #expect(throws: StoreError.self) {
                _ = try await store.createAPIKey(for: org.id, label: "x", in: staffScope)
            }
            await #expect(throws: StoreError.self) { try await store.setRole(.admin, of: staff.id, in: staffScope) }
            #expect(try await store.link(code: primary.code)?.status == .active)

            _ = try await store.mint(MintRequest(organizationID: org.id), in: adminScope)
            try await store.setQRColors(colors, code: primary.code, in: adminScope)
            #expect(try await store.members(in: adminScope, of: org.id).count == 2)
            #expect(try await store.links(of: org.id).count == 2)
        }
    }

    @Test(
        "another organization's link, invitation, member and key answer exactly like missing ones",
        arguments: TestEngine.all)
    func otherOrganizationLikeMissing(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, oakLink) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            let oakAdmin = try await Self.member(store, oak, "admin@oak.example")
            let lumenAdmin = try await Self.member(store, lumen, "admin@lumen.example")
            let lumenScope = try await store.workspaceScope(as: .member(lumenAdmin.id, of: lumen.id))
            let (_, key) = try await store.createAPIKey(for: oak.id, label: "EHR")
            let invitation = try await store.invite(
                link: oakLink.code,
                recipient: try InvitationRecipient.validated(name: "Ana", email: "ana@x.example", phone: nil))
            let missingCode = try LinkCode("99999999")
            for code in [oakLink.code, missingCode] {
                await #expect(throws: StoreError.linkNotFound) {
                    try await store.disableLink(code: code, in: lumenScope)
                }
            }
            for id in [invitation.0.id, InvitationID(rawValue: 9_999)] {
                await #expect(throws: StoreError.invitationNotFound) {
                    try await store.revokeInvitation(id: id, in: lumenScope)
                }
            }
            for id in [oakAdmin.id, MemberID(rawValue: 9_999)] {
                await #expect(throws: StoreError.memberNotFound) {
                    try await store.setRole(.staff, of: id, in: lumenScope)
                }
                await #expect(throws: StoreError.memberNotFound) { try await store.removeMember(id, in: lumenScope) }
            }
            for id in [key.id, 9_999] {
                await #expect(throws: StoreError.invalidInput(field: "id", rule: "no active API key has this id")) {
                    try await store.revokeAPIKey(id: id, in: lumenScope)
                }
            }
            #expect(try await store.link(code: oakLink.code)?.status == .active)
            #expect(try await store.member(id: oakAdmin.id)?.role == .admin)
        }
    }

    @Test("the last admin can be neither demoted nor removed", arguments: TestEngine.all)
    func lastAdmin(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            let admin = try await Self.member(store, org, "admin@oak.example")
            let staff = try await Self.member(store, org, "staff@oak.example")
            let scope = OrganizationScope.only(org.id)
            await #expect(throws: StoreError.lastAdmin) { try await store.setRole(.staff, of: admin.id, in: scope) }
            await #expect(throws: StoreError.lastAdmin) { try await store.removeMember(admin.id, in: scope) }
            await #expect(throws: StoreError.lastAdmin) {
                try await store.setRole(.staff, email: "admin@oak.example", in: .everyOrganization)
            }
            try await store.setRole(.admin, of: staff.id, in: scope)
            try await store.setRole(.staff, of: admin.id, in: scope)
            #expect(try await store.member(id: admin.id)?.role == .staff)
            await #expect(throws: StoreError.lastAdmin) { try await store.removeMember(staff.id, in: scope) }
        }
    }

    @Test("two admins demoting each other at once leave one admin", arguments: TestEngine.all)
    func concurrentDemotions(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            let one = try await Self.member(store, org, "one@oak.example", role: .admin)
            let two = try await Self.member(store, org, "two@oak.example", role: .admin)
            let scope = OrganizationScope.only(org.id)
            async let first: Void = { _ = try? await store.setRole(.staff, of: one.id, in: scope) }()
            async let second: Void = { _ = try? await store.setRole(.staff, of: two.id, in: scope) }()
            _ = await (first, second)
            let admins = try await store.members(in: scope, of: org.id).filter(\.isAdmin)
            #expect(admins.count == 1)
        }
    }

    @Test(
        "a removed member's sessions end at once, they cannot log in, and the email is free again",
        arguments: TestEngine.all)
    func removal(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            _ = try await Self.member(store, org, "admin@oak.example")
            let staff = try await Self.member(store, org, "staff@oak.example")
            let (token, _) = try await store.createSession(for: .member(staff.id, of: org.id))
            #expect(try await store.session(token) != nil)
            try await store.removeMember(staff.id, in: .only(org.id))
            #expect(try await store.session(token) == nil)
            await #expect(throws: AccountError.wrongCredentials) {
                _ = try await store.authenticate(login: "staff@oak.example", password: Self.password)
            }
            await #expect(throws: StoreError.self) {
                _ = try await store.workspaceScope(as: .member(staff.id, of: org.id))
            }
            #expect(try await store.members(in: .only(org.id), of: org.id).map(\.email) == ["admin@oak.example"])
            let again = try await Self.member(store, org, "staff@oak.example")
            #expect(again.id != staff.id)
        }
    }

    @Test("patients and anonymous visitors have no workspace scope")
    func noScopeForOthers() async throws {
        try await withStore(.sqlite) { store, _ in
            for identity in [Identity.anonymous, .patient(PatientID(rawValue: 1))] {
                await #expect(throws: StoreError.forbidden("the workspace is for members of a practice")) {
                    _ = try await store.workspaceScope(as: identity)
                }
            }
        }
    }

    @Test("an API key records its role and when it was last used, to the minute")
    func apiKeyUse() async throws {
        try await withStore(.sqlite) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            let (secret, key) = try await store.createAPIKey(for: org.id, label: "Front desk", role: .staff)
            #expect(key.scope == .staff(org.id))
            #expect(try await store.apiKeys(of: org.id).first?.lastUsedAt == nil)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await store.apiKey(secret: secret, at: now)
            _ = try await store.apiKey(secret: secret, at: now.addingTimeInterval(30))
            #expect(try await store.apiKeys(of: org.id).first?.lastUsedAt == now)
            _ = try await store.apiKey(secret: secret, at: now.addingTimeInterval(61))
            #expect(try await store.apiKeys(of: org.id).first?.lastUsedAt == now.addingTimeInterval(61))
        }
    }

    @Test("team invitations: admins only, single use, expiring, the role kept", arguments: TestEngine.all)
    func teamInvitations(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (org, _) = try await store.createOrganization(sampleProfile())
            let admin = try await Self.member(store, org, "admin@oak.example")
            let now = Date()
            await #expect(throws: StoreError.self) {
                _ = try await store.inviteMember(
                    name: "Kim", email: "kim@oak.example", role: .staff, invitedBy: nil, in: .staff(org.id), of: org.id)
            }
            await #expect(throws: AccountError.emailTaken) {
                _ = try await store.inviteMember(
                    name: "Admin", email: "admin@oak.example", role: .staff, invitedBy: admin.id, in: .only(org.id),
                    of: org.id)
            }
            let (invitation, token) = try await store.inviteMember(
                name: "Kim", email: "Kim@Oak.example", role: .admin, invitedBy: admin.id, in: .only(org.id),
                of: org.id, at: now)
            #expect(invitation.email == "kim@oak.example")
            #expect(try await store.teamInvitation(token, at: now).name == "Kim")
            await #expect(throws: AccountError.self) {
                _ = try await store.acceptTeamInvitation(token, password: "short", at: now)
            }
            let late = now.addingTimeInterval(TeamInvitation.lifetime + 1)
            await #expect(throws: StoreError.teamInvitationUnavailable) {
                _ = try await store.acceptTeamInvitation(token, password: "a long password", at: late)
            }
            let kim = try await store.acceptTeamInvitation(token, password: "a long password", at: now)
            #expect(kim.role == .admin && kim.organizationID == org.id)
            await #expect(throws: StoreError.teamInvitationUnavailable) {
                _ = try await store.acceptTeamInvitation(token, password: "a long password", at: now)
            }
            #expect(try await store.authenticate(login: "kim@oak.example", password: "a long password") == .member(kim))
        }
    }
}
