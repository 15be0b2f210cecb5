import Foundation
import SpruceCore
import SpruceStore
import Testing

@testable import SpruceServer

@Suite("The workspace in a real browser", .serialized)
struct WorkspaceBrowserTests {
    @Test(
        "headless Chromium: a practice signs up, mints, downloads and decodes its code, invites by CSV, a patient joins; axe and no sideways scrolling at 360, 390 and 1280 px"
    )
    func walk() async throws {
        let output = packageRoot.appendingPathComponent(".build/test-output/workspace")
        try? FileManager.default.removeItem(at: output)
        try await withLiveServer(publicURL: "http://spruce.test") { server in
            let run = try await runTool(
                ["python3", "scripts/workspace_walk.py", server.baseURL, output.path, server.outbox],
                timeout: .seconds(300))
            #expect(
                run.status == 0,
                "workspace walk (make deps installs chromium, selenium, axe):\n\(run.output.suffix(4000))")
            for page in ["links", "link", "invite", "invitations", "profile", "team", "api-keys"] {
                for width in [390, 1280] {
                    let path = output.appendingPathComponent("\(page)-\(width).png").path
                    let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                    #expect(size > 1_000, "\(page) at \(width) px was not saved")
                }
            }
            let juniper = try await server.organization(named: "Juniper Family Clinic")
            let records = try await server.store.invitationRecords(of: juniper.id)
            #expect(
                records.contains {
                    $0.invitation.recipient.email == "ada@example.com" && $0.invitation.acceptedAt != nil
                })
        }
    }
}
