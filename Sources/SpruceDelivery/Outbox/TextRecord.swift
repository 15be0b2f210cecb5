import Foundation
import SpruceCore

/// One line of `texts.jsonl`: a text message as it would be handed to an SMS gateway. An invitation's text carries
/// its `invitation_id`; an account message (a code or a notice) carries its `kind` instead, so the outbox index
/// never takes it for an invitation.
public struct TextRecord: Codable, Equatable, Sendable {
    public let invitationID: InvitationID?
    public let kind: String?
    /// E.164.
    public let to: String
    public let body: String
    public let encoding: TextMessage.Encoding
    public let segments: Int
    public let createdAt: Date

    public init(invitationID: InvitationID, to: String, message: TextMessage, createdAt: Date) {
        self.init(invitationID: invitationID, kind: nil, to: to, message: message, createdAt: createdAt)
    }

    public init(accountMessage kind: String, to: String, message: TextMessage, createdAt: Date) {
        self.init(invitationID: nil, kind: kind, to: to, message: message, createdAt: createdAt)
    }

    private init(invitationID: InvitationID?, kind: String?, to: String, message: TextMessage, createdAt: Date) {
        self.invitationID = invitationID
        self.kind = kind
        self.to = to
        self.body = message.body
        self.encoding = message.encoding
        self.segments = message.segmentCount
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case invitationID = "invitation_id"
        case kind, to, body, encoding, segments
        case createdAt = "created_at"
    }

    /// The record as one line of JSON with its newline.
    public func jsonLine() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding a struct of strings and numbers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
