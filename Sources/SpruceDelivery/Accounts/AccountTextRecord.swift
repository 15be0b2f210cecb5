import Foundation
import SpruceCore

/// One line of `texts.jsonl` for an account message (a code or a notice), beside the invitations' lines: `kind`
/// says which it is, and there is no `invitation_id`, so the outbox index never takes it for an invitation.
public struct AccountTextRecord: Codable, Equatable, Sendable {
    public let kind: String
    /// E.164.
    public let to: String
    public let body: String
    public let encoding: TextMessage.Encoding
    public let segments: Int
    public let createdAt: Date

    public init(kind: String, to: String, message: TextMessage, createdAt: Date) {
        self.kind = kind
        self.to = to
        self.body = message.body
        self.encoding = message.encoding
        self.segments = message.segmentCount
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case kind, to, body, encoding, segments
        case createdAt = "created_at"
    }

    /// The record as one line of JSON with its newline.
    public func jsonLine() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = (try? encoder.encode(self)) ?? Data("{}".utf8)
        return Array(data) + [UInt8(ascii: "\n")]
    }
}
