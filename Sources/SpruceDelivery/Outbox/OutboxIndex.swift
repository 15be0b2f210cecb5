import Foundation
import SpruceCore

/// What an outbox already holds, read once at the start of a run: which invitations were delivered on which
/// channel, and which messages sit complete in the spool waiting to be delivered.
public struct OutboxIndex: Sendable {
    public var delivered: Set<Key> = []
    public var spooled: [Key: SpoolName] = [:]

    /// An invitation on one channel.
    public typealias Key = InvitationDelivery

    public init() {}
}

extension Outbox {
    /// Scans `new/`, `cur/`, `tmp/` and `texts.jsonl`.
    public func index() -> OutboxIndex {
        var index = OutboxIndex()
        let files = FileManager.default
        for folder in [new, cur] {
            for file in (try? files.contentsOfDirectory(atPath: folder)) ?? [] {
                if let name = SpoolName(parsing: file) {
                    index.delivered.insert(.init(name.invitationID, name.channel))
                }
            }
        }
        for file in (try? files.contentsOfDirectory(atPath: tmp)) ?? [] where !file.hasSuffix(".part") {
            if let name = SpoolName(parsing: file) { index.spooled[.init(name.invitationID, name.channel)] = name }
        }
        if let data = files.contents(atPath: textsFile) {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            for line in data.split(separator: UInt8(ascii: "\n")) {
                if let record = try? decoder.decode(TextRecord.self, from: Data(line)), let id = record.invitationID {
                    index.delivered.insert(.init(id, .text))
                }
            }
        }
        return index
    }
}
