import Foundation
import SpruceCore
import SpruceStore

/// JSON shapes of `/api/v1`. Each matches a schema of the OpenAPI document (`Templates/openapi.json`).
enum API {
    struct Link: Encodable {
        let code: String
        let url: String
        let label: String
        let tags: [String]
        let status: String
        let primary: Bool
        let createdAt: Date
        let qrColors: QRColorsBody
        /// Only on a freshly minted numeric link: the digits minting used, and why when it moved past the default.
        var codeLength: Int?
        var lengthNotice: String?

        init(_ link: PracticeLink, site: Site) {
            code = link.code.rawValue
            url = site.linkURL(link.code)
            label = link.label
            tags = link.tags.map(\.rawValue)
            status = link.status.rawValue
            primary = link.isPrimary
            createdAt = link.createdAt
            qrColors = QRColorsBody(foreground: link.qrColors.foreground, background: link.qrColors.background)
        }
    }

    /// A link's QR colors, `#rrggbb` each: in responses, and the body of `POST /api/v1/links/{code}/qr-colors`.
    struct QRColorsBody: Codable {
        let foreground: String
        let background: String
    }

    struct LinkList: Encodable { let links: [Link] }

    struct ResolvedLink: Encodable {
        let code: String
        let url: String
        let profile: ClinicProfile
    }

    struct Resolved: Encodable {
        let target: String
        let code: String?
        let outcome: String
        let status: Int
        let message: String
        let profile: ClinicProfile?
    }

    struct OrganizationBody: Encodable {
        let id: Int64
        let profile: ClinicProfile
    }

    struct InvitationBody: Encodable {
        let id: Int64
        let linkId: Int64
        let recipient: InvitationRecipient
        let state: String
        let createdAt: Date
        let expiresAt: Date
        /// The invitation link, present only in the response that created it: the token is stored as a digest.
        let url: String?

        init(_ invitation: Invitation, url: String?) {
            id = invitation.id.rawValue
            linkId = invitation.linkID.rawValue
            recipient = invitation.recipient
            state = invitation.state(at: Date()).rawValue
            createdAt = invitation.createdAt
            expiresAt = invitation.expiresAt
            self.url = url
        }
    }

    struct InvitationList: Encodable { let invitations: [InvitationBody] }

    struct Conversation: Encodable {
        let id: Int64
        let kind: String
        let title: String
        let icon: String
        let tags: [String]
        let lastActivityAt: Date
        let lastMessage: String?

        init(_ entry: InboxEntry) {
            id = entry.conversationID.rawValue
            kind = entry.kind.rawValue
            title = entry.title
            icon = entry.icon.rawValue
            tags = entry.tags.map(\.rawValue)
            lastActivityAt = entry.lastActivityAt
            lastMessage = entry.lastMessage
        }
    }

    struct ConversationList: Encodable {
        let conversations: [Conversation]
        let nextCursor: String?
    }

    // Requests

    struct ResolveRequest: Decodable { let text: String }

    struct MintLinkRequest: Decodable {
        let label: String?
        let tags: [String]?
        let code: String?
    }

    struct CreateInvitationRequest: Decodable {
        let code: String
        let name: String?
        let email: String?
        let phone: String?
        let expiresInDays: Int?
    }
}
