import Foundation

/// The stored id of an organization.
public struct OrganizationID: RawRepresentable, Hashable, Comparable, Codable, Sendable, CustomStringConvertible {
    public let rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// A practice or clinic on Spruce: its id and public profile.
public struct Organization: Equatable, Sendable {
    public let id: OrganizationID
    public var profile: ClinicProfile
    public let createdAt: Date

    public init(id: OrganizationID, profile: ClinicProfile, createdAt: Date) {
        self.id = id
        self.profile = profile
        self.createdAt = createdAt
    }
}
