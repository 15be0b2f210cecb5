import Foundation
import Testing

@testable import SpruceCore

@Suite("Resolution")
struct ResolutionTests {
    static let now = Date(timeIntervalSince1970: 1_800_000_000)
    static let profile = ClinicProfile(displayName: "Oak Street Pediatrics")

    static func link(_ status: LinkStatus) -> PracticeLink {
        PracticeLink(
            id: LinkID(rawValue: 1),
            code: (try? LinkCode("oak-street-pediatrics")) ?? LinkCode.randomNumeric(),
            organizationID: OrganizationID(rawValue: 7),
            label: "main",
            tags: [],
            status: status,
            isPrimary: true,
            createdAt: now
        )
    }

    static func invitation(
        expiresIn lifetime: TimeInterval = Invitation.defaultLifetime,
        used: Bool = false,
        revoked: Bool = false
    ) -> Invitation {
        Invitation(
            id: InvitationID(rawValue: 3),
            tokenDigest: InvitationToken.generate().digest,
            linkID: LinkID(rawValue: 1),
            organizationID: OrganizationID(rawValue: 7),
            recipient: InvitationRecipient(name: "Pat", email: "PAT@example.com"),
            tags: [],
            createdAt: now.addingTimeInterval(-60),
            expiresAt: now.addingTimeInterval(lifetime),
            acceptedAt: used ? now.addingTimeInterval(-30) : nil,
            revokedAt: revoked ? now.addingTimeInterval(-10) : nil
        )
    }

    static let notFound = "No practice uses this link. Check it for typos, or ask the practice for a new one."

    @Test(
        "practice links",
        arguments: [
            (Optional(link(.active)), Optional(profile), "found", 200, "Connect with Oak Street Pediatrics"),
            (link(.disabled), profile, "disabled", 410, "This link is no longer active."),
            (nil, profile, "not_found", 404, notFound),
            (link(.active), nil, "not_found", 404, notFound),
            (nil, nil, "not_found", 404, notFound),
        ] as [(PracticeLink?, ClinicProfile?, String, Int, String)]
    )
    func practice(link: PracticeLink?, profile: ClinicProfile?, outcome: String, status: Int, message: String) {
        let resolution = Resolution.decide(link: link, profile: profile)
        #expect(resolution.outcome == outcome)
        #expect(resolution.httpStatus == status)
        #expect(resolution.message == message)
        if let link, let profile, outcome == "found" {
            #expect(resolution == .found(link: link, profile: profile))
        }
    }

    @Test(
        "invitations",
        arguments: [
            (Optional(invitation()), link(.active), "found", 200, "Connect with Oak Street Pediatrics"),
            (
                invitation(used: true), link(.active), "invitation_accepted", 410,
                "This invitation has already been accepted. Log in to reach the practice."
            ),
            (
                invitation(expiresIn: 0), link(.active), "invitation_expired", 410,
                "This invitation has expired. Ask the practice to send a new one."
            ),
            (
                invitation(expiresIn: -1), link(.active), "invitation_expired", 410,
                "This invitation has expired. Ask the practice to send a new one."
            ),
            (
                invitation(revoked: true), link(.active), "invitation_revoked", 410,
                "This invitation was withdrawn by the practice."
            ),
            (
                invitation(used: true, revoked: true), link(.active), "invitation_revoked", 410,
                "This invitation was withdrawn by the practice."
            ),
            (
                invitation(expiresIn: -1, used: true), link(.active), "invitation_accepted", 410,
                "This invitation has already been accepted. Log in to reach the practice."
            ),
            (invitation(), link(.disabled), "disabled", 410, "This link is no longer active."),
            (nil, link(.active), "not_found", 404, notFound),
        ] as [(Invitation?, PracticeLink, String, Int, String)]
    )
    func invitations(invitation: Invitation?, link: PracticeLink, outcome: String, status: Int, message: String) {
        let resolution = Resolution.decide(invitation: invitation, link: link, profile: Self.profile, at: Self.now)
        #expect(resolution.outcome == outcome)
        #expect(resolution.httpStatus == status)
        #expect(resolution.message == message)
        if outcome == "found", let invitation {
            #expect(resolution == .found(link: link, profile: Self.profile, invitation: invitation))
        }
    }

    @Test("an invitation without its link or profile is not found")
    func invitationMissingLink() {
        #expect(
            Resolution.decide(invitation: Self.invitation(), link: nil, profile: Self.profile, at: Self.now)
                == .notFound)
        #expect(
            Resolution.decide(invitation: Self.invitation(), link: Self.link(.active), profile: nil, at: Self.now)
                == .notFound)
    }

    @Test("outcome names are distinct and every 410 has its own message")
    func distinct() {
        let all: [Resolution] = [
            .found(link: Self.link(.active), profile: Self.profile), .notFound, .disabled, .invitationExpired,
            .invitationAccepted, .invitationRevoked,
        ]
        #expect(Set(all.map(\.outcome)).count == all.count)
        #expect(Set(all.map(\.message)).count == all.count)
    }
}
