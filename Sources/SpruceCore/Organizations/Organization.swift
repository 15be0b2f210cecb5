import Foundation

/// The stored id of an organization.
public typealias OrganizationID = StoredID<Organization>

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
