import Foundation
import HTTPTypes
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("Every workspace list pages with a cursor")
struct WorkspacePagingTests {
    /// Follows the `rel="next"` link named `label` from `path` to the last page; the values `pattern` captures on
    /// each page, in order, page after page.
    static func walk(_ browser: Browser, from path: String, next label: String, capturing pattern: String)
        async throws -> (values: [String], pages: Int)
    {
        let regex = try Regex(pattern)
        var values: [String] = []
        var uri: String? = path
        var pages = 0
        while let current = uri, pages < 10 {
            let page = try await browser.get(current)
            #expect(page.status == .ok, "\(current)")
            pages += 1
            values += page.text.matches(of: regex).compactMap { $0.output[1].substring.map(String.init) }
            uri = page.text.firstMatch(of: try Regex(#"<a href="([^"]+)" rel="next">"# + label + "</a>"))
                .flatMap { $0.output[1].substring.map(String.init) }
        }
        return (values, pages)
    }

    @Test(
        "team members (ties on name included), pending team invitations and API keys: every row once, in order",
        arguments: ServerTestEngine.all)
    func pages(engine: ServerTestEngine) async throws {
        try await withLiveServer(engine: engine) { server in
            let oak = try await server.organization(named: "Oak Street Pediatrics")
            for index in 0..<30 {
                _ = try await server.store.createMember(
                    organizationID: oak.id,
                    details: AccountDetails(
                        name: index < 6 ? "Sam Lee" : "Member \(index)", email: "m\(index)@oak.example",
                        password: staffPassword),
                    role: index % 7 == 0 ? .admin : .staff)
                _ = try await server.store.inviteMember(
                    name: "Invitee \(index)", email: "i\(index)@oak.example", role: .staff, invitedBy: nil,
                    in: .only(oak.id), of: oak.id)
                _ = try await server.store.createAPIKey(for: oak.id, label: "Key \(index)")
            }
            let admin = try await WorkspaceTests.loggedIn(server, oakAdmin)

            let memberEmail =
                #"<tr id="member-\d+">\s*<td data-label="Name">[^<]*</td>\s*"#
                + #"<td data-label="Email">([^<]+)</td>"#
            let members = try await Self.walk(
                admin, from: "/workspace/team", next: "More members", capturing: memberEmail)
            let all = try await server.store.members(in: .only(oak.id), of: oak.id)
            #expect(all.count == 32 && members.pages == 2)
            #expect(members.values == all.map(\.email))
            #expect(all.first?.isAdmin == true && all.last?.isAdmin == false)

            let invitations = try await Self.walk(
                admin, from: "/workspace/team", next: "Older invitations",
                capturing: #"<tr id="team-invitation-(\d+)">"#)
            let pending = try await server.store.pendingTeamInvitations(in: .only(oak.id), of: oak.id)
            #expect(pending.count == 30 && invitations.pages == 2)
            #expect(invitations.values == pending.map { String($0.id) })

            let keys = try await Self.walk(
                admin, from: "/workspace/api-keys", next: "Older keys", capturing: #"<tr id="key-(\d+)">"#)
            let stored = try await server.store.apiKeys(of: oak.id)
            #expect(stored.count == 30 && keys.pages == 2)
            #expect(keys.values == stored.map { String($0.id) })

            // A cursor of another practice's member starts from the first page, showing nothing of theirs.
            let lumen = try await server.store.member(email: lumenAdmin)
            let foreign = try await admin.get("/workspace/team?after=\(lumen?.id.rawValue ?? 0)")
            #expect(foreign.status == .ok && !foreign.text.contains(lumenAdmin))
            #expect(foreign.text.contains("m0@oak.example") || foreign.text.contains(oakAdmin))
        }
    }
}
