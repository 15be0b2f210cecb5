import Foundation
import SpruceCore

/// File names of spooled and delivered invitation messages.
///
/// Maildir names are `time.unique.host`; ours put the invitation id and the channel in the unique part,
/// `1767225600.SL42eM123456P789.host`, so that after a crash the outbox itself says which invitations were
/// already delivered (see ``OutboxIndex``).
public struct SpoolName: Hashable, Sendable {
    public let invitationID: InvitationID
    public let channel: InvitationChannel
    public let fileName: String

    static let hostName: String = {
        let host = ProcessInfo.processInfo.hostName
        // '/' and ':' are not allowed in Maildir names; '.' separates the parts.
        let cleaned = host.map { $0 == "/" ? "\\057" : $0 == ":" ? "\\072" : $0 == "." ? "_" : String($0) }.joined()
        return cleaned.isEmpty ? "localhost" : cleaned
    }()

    /// A fresh, unique name for `invitationID` on `channel`.
    public init(invitationID: InvitationID, channel: InvitationChannel, at date: Date = Date()) {
        self.invitationID = invitationID
        self.channel = channel
        let seconds = Int(date.timeIntervalSince1970)
        let micro = Int((date.timeIntervalSince1970 - Double(seconds)) * 1_000_000)
        let sequence = Self.counter.next()
        let tag = channel == .email ? "e" : "t"
        self.fileName = "\(seconds).SL\(invitationID.rawValue)\(tag)M\(micro)P\(getpid())Q\(sequence).\(Self.hostName)"
    }

    /// Reads back a name written by ``init(invitationID:channel:at:)``; `nil` for any other file.
    public init?(parsing fileName: String) {
        let parts = fileName.split(separator: ".", maxSplits: 2)
        guard parts.count == 3, parts[1].hasPrefix("SL") else { return nil }
        let unique = parts[1].dropFirst(2)
        let digits = unique.prefix(while: \.isASCIIDigit)
        guard let id = Int64(digits), let tag = unique.dropFirst(digits.count).first else { return nil }
        switch tag {
        case "e": self.channel = .email
        case "t": self.channel = .text
        default: return nil
        }
        self.invitationID = InvitationID(rawValue: id)
        self.fileName = fileName
    }

    private static let counter = AtomicCounter()
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
