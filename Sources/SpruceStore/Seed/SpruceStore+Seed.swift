import Foundation
import SQLKit
import SpruceCore

/// What a seed run did.
public struct SeedReport: Equatable, Sendable {
    public var organizationsCreated = 0
    public var organizationsAlreadyPresent = 0
    public var linksCreated = 0
    public var membersCreated = 0
}

extension SpruceStore {
    /// Loads a seed file in one transaction. Idempotent: an organization whose primary code is already in
    /// the database is left as it is, so running the seed twice changes nothing.
    /// - Throws: ``StoreError/codeTaken`` when a seed code belongs to something else already.
    /// - Parameter memberPassword: the password of every seeded member (seed files hold none).
    @discardableResult
    public func seed(_ file: SeedFile, memberPassword: String, at now: Date = Date()) async throws -> SeedReport {
        try PasswordPolicy.check(memberPassword)
        let memberCount = file.organizations.reduce(0) { $0 + ($1.members?.count ?? 0) }
        var computed: [String] = []
        for _ in 0..<memberCount {
            computed.append(try await passwords.hash(memberPassword, with: settings.passwordHasher))
        }
        let hashes = computed
        return try await transaction { database in
            var hashes = hashes[...]
            var report = SeedReport()
            for seed in file.organizations {
                let profile = try seed.profile.validated()
                guard let primary = seed.links.first(where: { $0.primary == true }) else { continue }
                if try await Self.link(code: primary.code, in: database) != nil {
                    report.organizationsAlreadyPresent += 1
                    continue
                }
                let organization = try await Self.insertOrganization(profile, at: now, in: database)
                report.organizationsCreated += 1
                for link in seed.links {
                    let request = MintRequest(
                        organizationID: organization.id, kind: .chosen(link.code), label: link.label,
                        tags: link.tags ?? [], isPrimary: link.primary ?? false
                    )
                    _ = try await Self.mint(
                        request, count: 1, codes: SystemCodeSource(), at: now, in: database, progress: nil)
                    if link.status == .disabled {
                        try await database.update("links").set("status", to: SQLBind(LinkStatus.disabled.rawValue))
                            .where("code", .equal, SQLBind(link.code.rawValue)).run()
                    }
                    report.linksCreated += 1
                }
                for member in seed.members ?? [] {
                    let details = try AccountDetails(name: member.name, email: member.email, password: memberPassword)
                        .validated(requireEmail: true)
                    _ = try await Self.insertMember(
                        organizationID: organization.id, name: details.name, email: details.email ?? member.email,
                        passwordHash: hashes.popFirst() ?? "", role: nil,
                        notificationsOn: member.notificationsOn ?? true, at: now,
                        in: database)
                    report.membersCreated += 1
                }
            }
            return report
        }
    }
}
