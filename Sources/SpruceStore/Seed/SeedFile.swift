import Foundation
import SpruceCore

/// The seed fixture format (`Fixtures/clinics.json`): organizations with their profiles and fixed link codes.
///
/// Codes are fixed so that a seeded database always has the same links to open; the first link marked
/// `primary` is the organization's primary link.
public struct SeedFile: Codable, Sendable {
    public struct SeedOrganization: Codable, Sendable {
        public var profile: ClinicProfile
        public var links: [SeedLink]
        public var members: [SeedMember]?
    }

    /// A staff member. Seed files hold no passwords: every seeded member gets the one given to the seed run.
    public struct SeedMember: Codable, Sendable {
        public var name: String
        public var email: String
        public var notificationsOn: Bool?
    }

    public struct SeedLink: Codable, Sendable {
        public var code: LinkCode
        public var label: String
        public var tags: [ConversationTag]?
        public var status: LinkStatus?
        public var primary: Bool?
    }

    public var organizations: [SeedOrganization]

    /// Reads and checks a seed file.
    /// - Throws: ``StoreError/seedFailed(_:)`` naming the file and what is wrong with it.
    public static func load(from path: String) throws -> SeedFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw StoreError.seedFailed("cannot read \(path)")
        }
        let file: SeedFile
        do {
            file = try JSONDecoder().decode(SeedFile.self, from: data)
        } catch let error as DecodingError {
            throw StoreError.seedFailed("\(path) is not a valid seed file: \(error.seedMessage)")
        }
        for organization in file.organizations {
            let primaries = organization.links.filter { $0.primary == true }
            guard primaries.count == 1 else {
                throw StoreError.seedFailed(
                    "\(organization.profile.displayName) needs exactly one primary link, has \(primaries.count)"
                )
            }
        }
        return file
    }
}

extension DecodingError {
    fileprivate var seedMessage: String {
        switch self {
        case .dataCorrupted(let context), .keyNotFound(_, let context), .typeMismatch(_, let context),
            .valueNotFound(_, let context):
            let path = context.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        @unknown default:
            return String(describing: self)
        }
    }
}
