import Foundation
import SpruceCore
import SpruceStore

/// JSON shapes of the app API `/api/app/v1`. Each matches a schema of the OpenAPI document.
enum AppAPI {
    struct ClaimRequest: Decodable {
        let token: String?
        let code: String?
    }

    struct ClaimBody: Encodable {
        let code: String
        let url: String
        let profile: ClinicProfile
        /// The signed signup continuation, as the web signup carries it: pass it to `/signup`, `/login` or `/connect`.
        let continuation: String
        let invitation: Bool
    }

    struct SignupRequest: Decodable {
        let name: String
        let email: String?
        let phone: String?
        let password: String
        let continuation: String?
        let device: String?
    }

    /// "We sent a code to `sentTo`": the same for an address that has an account and one that has not.
    struct SignupStarted: Encodable {
        /// Names the pending signup in `/signup/verify` and `/signup/resend`; secret, ten minutes.
        let ticket: String
        let sentTo: String
    }

    struct VerifyRequest: Decodable {
        let ticket: String
        let code: String
        let device: String?
    }

    struct ResendRequest: Decodable { let ticket: String }

    struct LoginRequest: Decodable {
        let login: String
        let password: String
        let continuation: String?
        let device: String?
    }

    struct ConnectRequest: Decodable {
        let continuation: String?
        let link: String?
    }

    struct PatientBody: Encodable {
        let id: Int64
        let name: String
    }

    /// What a connect did: `connected` (`isNew` false when the conversation already existed).
    struct OutcomeBody: Encodable {
        let result: String
        let conversationId: Int64?
        let isNew: Bool?
    }

    struct SessionBody: Encodable {
        let token: String
        let sessionId: Int64
        let patient: PatientBody
        let outcome: OutcomeBody?
    }

    struct SessionInfo: Encodable {
        let id: Int64
        let device: String
        let createdAt: Date
        let lastUsedAt: Date
        let current: Bool
    }

    struct SessionList: Encodable { let sessions: [SessionInfo] }

    struct MessageBody: Encodable {
        let id: Int64
        let author: String
        let fromPractice: Bool
        let body: String
        let createdAt: Date

        init(_ message: Message) {
            id = message.id
            author = message.authorName
            fromPractice = message.authorOrganizationID != nil
            body = message.body
            createdAt = message.createdAt
        }
    }

    struct MessagePage: Encodable {
        let conversation: API.Conversation
        let messages: [MessageBody]
        /// Pass as `before` for the previous (older) page; absent on the first message's page.
        let earlierCursor: Int64?
    }

    struct SendRequest: Decodable { let body: String }
}
