import Foundation
import SpruceCore

/// The 128-bit random name of an ``InvitationJob``: 32 lowercase hex digits, unguessable, so that the job's page
/// address gives nothing away (the page is still authorized by ``InvitationJobs/job(_:in:)``).
public struct InvitationJobID: Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    /// A fresh identifier from the system's cryptographic generator.
    public static func generate() -> InvitationJobID {
        var generator = SystemRandomNumberGenerator()
        let words = (generator.next() as UInt64, generator.next() as UInt64)
        let hex = [words.0, words.1].map { word in
            let digits = String(word, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return InvitationJobID(checked: hex.joined())
    }

    /// Parses an identifier from an address; `nil` unless it is 32 lowercase hex digits.
    public init?(_ text: String) {
        guard text.utf8.count == 32, text.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        rawValue = text
    }

    private init(checked: String) { rawValue = checked }

    public var description: String { rawValue }
}

/// A CSV upload being sent in the background of the server process, as a snapshot: how far it is and what
/// happened to each row so far. Kept in memory only (``InvitationJobs``).
public struct InvitationJob: Sendable {
    public let id: InvitationJobID
    public let organizationID: OrganizationID
    /// The rows of the list.
    public let total: Int
    public let startedAt: Date
    /// The outcomes so far, in row order.
    public internal(set) var outcomes: [InviteeOutcome] = []
    public internal(set) var sent = 0
    public internal(set) var skipped = 0
    public internal(set) var failed = 0
    /// When the last row was done; `nil` while the job runs.
    public internal(set) var finishedAt: Date?

    public var isFinished: Bool { finishedAt != nil }

    mutating func record(_ chunk: [InviteeOutcome]) {
        outcomes += chunk
        for outcome in chunk {
            switch outcome.status {
            case .sent: sent += 1
            case .skipped: skipped += 1
            case .failed: failed += 1
            }
        }
    }
}

/// Why a job was not started.
public enum InvitationJobError: Error, Sendable, CustomStringConvertible {
    /// The organization already has as many uploads running as it may.
    case organizationBusy(limit: Int)
    /// The server already runs as many uploads as it may.
    case serverBusy(limit: Int)

    public var description: String {
        switch self {
        case .organizationBusy(let limit):
            "\(limit) upload(s) of this practice are still being sent; wait for one to finish, then upload again"
        case .serverBusy(let limit):
            "the server is sending \(limit) uploads already; wait a minute, then upload again"
        }
    }
}
