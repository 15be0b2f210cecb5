import Foundation
import SQLKit
import SpruceCore
import Testing

@testable import SpruceStore

/// The store operations behind the workspace pages, on both engines.
@Suite("Workspace operations in the store")
struct WorkspaceStoreTests {
    @Test("links page by cursor, in scope only", arguments: TestEngine.all)
    func linkPages(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, primary) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            _ = try await store.mintLinks(MintRequest(organizationID: oak.id), count: 6)
            let first = try await store.linkPage(in: .staff(oak.id), limit: 4)
            #expect(first.links.count == 4 && first.links[0] == primary)
            let second = try await store.linkPage(in: .staff(oak.id), after: first.nextCursor, limit: 4)
            #expect(second.links.count == 3 && second.nextCursor == nil)
            #expect(Set(first.links.map(\.id) + second.links.map(\.id)).count == 7)
            #expect(try await store.linkPage(in: .only(lumen.id)).links.count == 1)
            await #expect(throws: StoreError.linkNotFound) {
                _ = try await store.workspaceLink(code: primary.code, in: .only(lumen.id))
            }
        }
    }

    @Test(
        "a links page reads every link's tags (in one query), sorted, and none for untagged links",
        arguments: TestEngine.all)
    func linkPageTags(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, _) = try await store.createOrganization(sampleProfile())
            var tagged = MintRequest(organizationID: oak.id)
            tagged.tags = [try ConversationTag("lobby"), try ConversationTag("flu-shot")]
            _ = try await store.mintLinks(tagged, count: 2)
            var other = MintRequest(organizationID: oak.id)
            other.tags = [try ConversationTag("intake")]
            _ = try await store.mintLinks(other, count: 1)
            let links = try await store.linkPage(in: .staff(oak.id)).links
            #expect(
                links.map { $0.tags.map(\.rawValue) } == [
                    [], ["flu-shot", "lobby"], ["flu-shot", "lobby"], ["intake"],
                ])
            for link in links { #expect(try await store.link(code: link.code)?.tags == link.tags) }
        }
    }

    @Test(
        "the desk in one read: member, role as stored now, organization; nil once removed; refused across organizations",
        arguments: TestEngine.all)
    func workspaceDesk(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, _) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            let admin = try await RoleTests.member(store, oak, "admin@oak.example")
            let staff = try await RoleTests.member(store, oak, "staff@oak.example")
            let desk = try #require(try await store.workspaceDesk(as: .member(staff.id, of: oak.id)))
            #expect(desk.member == staff && desk.scope == .staff(oak.id) && desk.organization.id == oak.id)
            #expect(desk.organization.profile.displayName == oak.profile.displayName)
            try await store.setRole(.admin, of: staff.id, in: .only(oak.id))
            #expect(try await store.workspaceDesk(as: .member(staff.id, of: oak.id))?.scope == .only(oak.id))
            await #expect(throws: StoreError.self) {
                _ = try await store.workspaceDesk(as: .member(admin.id, of: lumen.id))
            }
            await #expect(throws: StoreError.self) { _ = try await store.workspaceDesk(as: .anonymous) }
            await #expect(throws: StoreError.self) {
                _ = try await store.workspaceDesk(as: .patient(PatientID(rawValue: 1)))
            }
            try await store.removeMember(staff.id, in: .only(oak.id))
            #expect(try await store.workspaceDesk(as: .member(staff.id, of: oak.id)) == nil)
        }
    }

    @Test(
        "a session whose member was removed stands for no one, even if its row is still there",
        arguments: TestEngine.all)
    func sessionOfRemovedMember(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, _) = try await store.createOrganization(sampleProfile())
            _ = try await RoleTests.member(store, oak, "admin@oak.example")
            let staff = try await RoleTests.member(store, oak, "staff@oak.example")
            let (token, _) = try await store.createSession(for: .member(staff.id, of: oak.id))
            #expect(try await store.session(token)?.identity == .member(staff.id, of: oak.id))
            try await store.transaction { database in
                try await database.update("members").set("removed_at", to: SQLBind(Int64(1)))
                    .where("id", .equal, SQLBind(staff.id.rawValue)).run()
            }
            #expect(try await store.session(token) == nil)
        }
    }

    @Test("link choices: the scope's links only, oldest first, capped, active marked", arguments: TestEngine.all)
    func linkChoices(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, primary) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            let minted = try await store.mintLinks(MintRequest(organizationID: oak.id, label: "Flyer"), count: 3)
            _ = try await store.mintLinks(MintRequest(organizationID: lumen.id), count: 2)
            try await store.disableLink(code: minted[1].code, in: .only(oak.id))
            let choices = try await store.linkChoices(in: .staff(oak.id))
            #expect(choices.map(\.code) == [primary.code] + minted.map(\.code))
            #expect(choices.map(\.isActive) == [true, true, false, true])
            #expect(choices.map(\.isPrimary) == [true, false, false, false])
            #expect(choices.dropFirst().allSatisfy { $0.label == "Flyer" })
            #expect(
                try await store.linkChoices(in: .staff(oak.id), limit: 2).map(\.code) == [primary.code, minted[0].code])
            #expect(try await store.linkChoices(in: .only(lumen.id)).count == 3)
        }
    }

    @Test(
        "one link of the workspace: its tags and its pending invitations, in one statement", arguments: TestEngine.all)
    func workspaceLink(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, primary) = try await store.createOrganization(sampleProfile())
            var tagged = MintRequest(organizationID: oak.id)
            tagged.tags = [try ConversationTag("lobby"), try ConversationTag("flu-shot")]
            let link = try await store.mintLinks(tagged)[0]
            let start = Date()
            for index in 0..<4 {
                _ = try await store.invite(
                    link: link.code, recipient: InvitationRecipient(email: "p\(index)@example.com"),
                    lifetime: index == 3 ? 60 : Invitation.defaultLifetime, at: start)
            }
            let (found, pending) = try await store.workspaceLink(
                code: link.code, in: .staff(oak.id), at: start.addingTimeInterval(120))
            #expect(found.tags.map(\.rawValue) == ["flu-shot", "lobby"] && found.id == link.id && pending == 3)
            let (plain, none) = try await store.workspaceLink(code: primary.code, in: .staff(oak.id))
            #expect(plain.tags.isEmpty && none == 0 && plain == primary)
            await #expect(throws: StoreError.linkNotFound) {
                _ = try await store.workspaceLink(code: try LinkCode("9999999"), in: .staff(oak.id))
            }
        }
    }

    @Test("invitations page: newest first, cursor, status and link filters, opted out", arguments: TestEngine.all)
    func invitationPages(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, primary) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            let flyer = try await store.mintLinks(MintRequest(organizationID: oak.id, label: "Flyer"))[0]
            let start = Date()
            var made: [(Invitation, InvitationToken)] = []
            for index in 0..<6 {
                made.append(
                    try await store.invite(
                        link: index < 4 ? primary.code : flyer.code,
                        recipient: InvitationRecipient(email: "p\(index)@example.com"),
                        lifetime: index == 5 ? 60 : Invitation.defaultLifetime, at: start))
            }
            let later = start.addingTimeInterval(120)
            try await store.revokeInvitation(id: made[0].0.id, in: .staff(oak.id))
            try await store.acceptInvitation(made[1].1, at: start)
            try await store.optOut(address: "p2@example.com")
            let scope = OrganizationScope.staff(oak.id)
            func emails(_ status: InvitationStatusFilter?, link: LinkCode? = nil) async throws -> [String] {
                try await store.invitationPage(in: scope, status: status, link: link, at: later).records
                    .compactMap(\.invitation.recipient.email)
            }
            #expect(try await emails(nil) == (0..<6).reversed().map { "p\($0)@example.com" })
            #expect(try await emails(.accepted) == ["p1@example.com"])
            #expect(try await emails(.revoked) == ["p0@example.com"])
            #expect(try await emails(.optedOut) == ["p2@example.com"])
            #expect(try await emails(.expired) == ["p5@example.com"])
            #expect(try await emails(.pending) == ["p4@example.com", "p3@example.com"])
            #expect(try await emails(nil, link: flyer.code) == ["p5@example.com", "p4@example.com"])
            let page = try await store.invitationPage(in: scope, limit: 4, at: later)
            #expect(page.records.count == 4 && page.optedOut == [made[2].0.id])
            let rest = try await store.invitationPage(in: scope, before: page.nextCursor, limit: 4, at: later)
            #expect(rest.records.map(\.invitation.id) == [made[1].0.id, made[0].0.id] && rest.nextCursor == nil)
            #expect(try await store.invitationPage(in: .only(lumen.id), at: later).records.isEmpty)
            #expect(try await store.invitationPage(in: .only(lumen.id), link: primary.code, at: later).records.isEmpty)
            await #expect(throws: StoreError.invitationNotFound) {
                _ = try await store.invitationRecord(id: made[3].0.id, in: .only(lumen.id))
            }
        }
    }

    @Test("profile edits: admins only, the CLI's validation, the kind kept", arguments: TestEngine.all)
    func profileEdits(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, _) = try await store.createOrganization(sampleProfile())
            var profile = sampleProfile("Oak Street Kids")
            profile.kind = .clinic
            await #expect(throws: StoreError.forbidden("only an admin of the practice may edit the profile")) {
                try await store.updateProfile(profile, of: oak.id, in: .staff(oak.id))
            }
            await #expect(throws: ProfileError.empty(field: "name")) {
                try await store.updateProfile(ClinicProfile(displayName: " "), of: oak.id, in: .only(oak.id))
            }
            let updated = try await store.updateProfile(profile, of: oak.id, in: .only(oak.id))
            #expect(updated.profile.displayName == "Oak Street Kids" && updated.profile.kind == .practice)
            #expect(try await store.organization(id: oak.id)?.profile.displayName == "Oak Street Kids")
        }
    }

    @Test(
        "pending team invitations: admins only, in scope only; revoke and resend kill the old token at once",
        arguments: TestEngine.all)
    func teamInvitations(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let (oak, _) = try await store.createOrganization(sampleProfile())
            let (lumen, _) = try await store.createOrganization(sampleProfile("Lumen Dermatology"))
            let (kim, kimToken) = try await store.inviteMember(
                name: "Kim", email: "kim@oak.example", role: .staff, invitedBy: nil, in: .only(oak.id), of: oak.id)
            let (lee, leeToken) = try await store.inviteMember(
                name: "Lee", email: "lee@oak.example", role: .admin, invitedBy: nil, in: .only(oak.id), of: oak.id)
            #expect(
                try await store.pendingTeamInvitations(in: .only(oak.id), of: oak.id).map(\.id) == [lee.id, kim.id])
            #expect(
                try await store.pendingTeamInvitations(in: .only(oak.id), of: oak.id, before: lee.id).map(\.id) == [
                    kim.id
                ])
            #expect(try await store.pendingTeamInvitations(in: .only(lumen.id), of: lumen.id).isEmpty)
            await #expect(throws: StoreError.organizationNotFound(id: oak.id.rawValue)) {
                _ = try await store.pendingTeamInvitations(in: .only(lumen.id), of: oak.id)
            }
            for scope in [OrganizationScope.staff(oak.id)] {
                await #expect(throws: StoreError.self) {
                    _ = try await store.pendingTeamInvitations(in: scope, of: oak.id)
                }
                await #expect(throws: StoreError.self) { try await store.revokeTeamInvitation(kim.id, in: scope) }
                await #expect(throws: StoreError.self) {
                    _ = try await store.resendTeamInvitation(kim.id, invitedBy: nil, in: scope)
                }
            }
            await #expect(throws: StoreError.teamInvitationNotFound) {
                try await store.revokeTeamInvitation(kim.id, in: .only(lumen.id))
            }
            await #expect(throws: StoreError.teamInvitationNotFound) {
                _ = try await store.resendTeamInvitation(kim.id, invitedBy: nil, in: .only(lumen.id))
            }
            #expect(try await store.teamInvitation(kimToken).id == kim.id, "untouched by the refused attempts")

            try await store.revokeTeamInvitation(kim.id, in: .only(oak.id))
            await #expect(throws: StoreError.teamInvitationUnavailable) { _ = try await store.teamInvitation(kimToken) }
            await #expect(throws: StoreError.teamInvitationUnavailable) {
                _ = try await store.acceptTeamInvitation(kimToken, password: "kim's long password")
            }
            await #expect(throws: StoreError.teamInvitationNotFound) {
                try await store.revokeTeamInvitation(kim.id, in: .only(oak.id))
            }

            let later = Date().addingTimeInterval(3600)
            let (fresh, freshToken) = try await store.resendTeamInvitation(
                lee.id, invitedBy: nil, in: .only(oak.id), at: later)
            #expect(fresh.id != lee.id && fresh.email == lee.email && fresh.role == .admin)
            #expect(fresh.expiresAt.timeIntervalSince(later).rounded() == TeamInvitation.lifetime)
            await #expect(throws: StoreError.teamInvitationUnavailable) { _ = try await store.teamInvitation(leeToken) }
            #expect(try await store.teamInvitation(freshToken).email == "lee@oak.example")
            #expect(try await store.pendingTeamInvitations(in: .only(oak.id), of: oak.id).map(\.id) == [fresh.id])
            let member = try await store.acceptTeamInvitation(freshToken, password: "lee's long password")
            #expect(member.role == .admin && member.organizationID == oak.id)
            await #expect(throws: StoreError.teamInvitationNotFound) {
                _ = try await store.resendTeamInvitation(fresh.id, invitedBy: nil, in: .only(oak.id))
            }
            #expect(try await store.pendingTeamInvitations(in: .only(oak.id), of: oak.id).isEmpty)
        }
    }
}
