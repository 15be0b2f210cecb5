import Foundation
import SQLKit
import SpruceCore

/// One update or delete of a link or an organization, as the change feed recorded it (migration 5).
public struct LinkChange: Equatable, Sendable {
    /// The feed's position: changes are numbered in commit order.
    public let generation: Int64
    /// The link that changed, when a link did.
    public let code: LinkCode?
    /// The organization whose profile changed, when one did.
    public let organizationID: OrganizationID?
}

/// A practice code as its public page, profile JSON and QR code see it, with the feed generation it is valid at.
public struct PublicLinkRecord: Equatable, Sendable {
    public let code: LinkCode
    public let organizationID: OrganizationID
    public let isActive: Bool
    public let qrColors: QRColors
}

/// Every link's public record and every organization's profile, read in one snapshot at one feed generation.
public struct LinkDirectorySnapshot: Sendable {
    public let generation: Int64
    public let links: [PublicLinkRecord]
    public let profiles: [OrganizationID: ClinicProfile]
}

extension SpruceStore {
    /// The feed's changes after `generation`, oldest first, at most `limit` of them.
    public func linkChanges(after generation: Int64, limit: Int = 1_000) async throws -> [LinkChange] {
        try await read { database in
            try await database.select().columns("generation", "code", "organization_id").from("link_changes")
                .where("generation", .greaterThan, SQLBind(generation))
                .orderBy("generation").limit(limit).all()
                .map { row in
                    LinkChange(
                        generation: try row.decode(column: "generation", as: Int64.self),
                        code: try row.decode(column: "code", as: String?.self).map { try LinkCode($0) },
                        organizationID: try row.decode(column: "organization_id", as: Int64?.self)
                            .map(OrganizationID.init(rawValue:)))
                }
        }
    }

    /// Deletes the feed's rows older than `date`; returns how many went.
    @discardableResult
    public func pruneLinkChanges(olderThan date: Date) async throws -> Int {
        try await transaction { database in
            try await database.delete(from: "link_changes")
                .where("changed_at", .lessThan, SQLBind(date.storedMilliseconds)).returning("generation").all().count
        }
    }

    /// The public record of `code` and its organization's profile (nil for an unknown code), read in one
    /// statement together with the feed generation the answer is valid at.
    public func publicLink(code: LinkCode) async throws -> (
        generation: Int64, record: PublicLinkRecord, profile: ClinicProfile?
    )? {
        try await read { database in
            let columns = Self.organizationColumns.map { "o.\($0)" }.joined(separator: ", ")
            let query: SQLQueryString = """
                SELECT l.code AS link_code, l.organization_id AS link_organization_id, l.status AS link_status, \
                l.qr_foreground AS link_qr_foreground, l.qr_background AS link_qr_background, \
                \(unsafeRaw: columns), \
                (SELECT value FROM counters WHERE name = \(bind: LinkChangeFeed.counter)) AS feed_generation \
                FROM links l LEFT JOIN organizations o ON o.id = l.organization_id WHERE l.code = \(bind: code.rawValue)
                """
            guard let row = try await database.raw(query).first() else { return nil }
            let organization =
                try row.decode(column: "id", as: Int64?.self) == nil ? nil : try Self.decodeOrganization(row)
            return (
                try row.decode(column: "feed_generation", as: Int64.self),
                try Self.decodePublicLink(row, prefix: "link_"),
                organization?.profile
            )
        }
    }

    /// At most `limit` links (oldest first) and every organization's profile, in one snapshot.
    public func linkDirectorySnapshot(limit: Int) async throws -> LinkDirectorySnapshot {
        try await snapshot { database in
            guard
                let generation = try await database.select().column("value").from("counters")
                    .where("name", .equal, SQLBind(LinkChangeFeed.counter)).first()
            else { throw StoreError.corruptRow(table: "counters", reason: "link change counter missing") }
            let links = try await database.select()
                .columns("code", "organization_id", "status", "qr_foreground", "qr_background").from("links")
                .orderBy("id").limit(limit).all()
                .map { try Self.decodePublicLink($0, prefix: "") }
            var profiles: [OrganizationID: ClinicProfile] = [:]
            for row in try await database.select().columns(Self.organizationColumns).from("organizations").all() {
                let organization = try Self.decodeOrganization(row)
                profiles[organization.id] = organization.profile
            }
            return LinkDirectorySnapshot(
                generation: try generation.decode(column: "value", as: Int64.self), links: links, profiles: profiles)
        }
    }

    /// Every link (up to `limit`) and every organization's profile, in one snapshot at one feed generation, handed
    /// over a range of ids at a time as they are read rather than gathered.
    ///
    /// The database joins a range's links with the standard QR colors, nearly all, into two texts (codes, owners;
    /// ``DatabaseEngine/joined(_:)``), which costs a fraction of reading them as rows; their numeric links come as
    /// ``PackedLink`` integers, the others as records. Links with their own colors are read as rows.
    /// - Parameters:
    ///   - expecting: called first with an upper bound of the links to come, to size the receiver.
    ///   - packed: called with the packed links of each range of ids, in id order of the ranges.
    ///   - each: called once per other link (vanity codes, own colors).
    /// - Returns: the feed generation the snapshot is valid at, and the profiles.
    func streamLinkDirectory(
        limit: Int,
        rangeSize: Int64 = PackedLink.rangeSize,
        expecting: @escaping @Sendable (Int) -> Void,
        packed: @escaping @Sendable ([Int64]) -> Void,
        each: @escaping @Sendable (PublicLinkRecord) -> Void
    ) async throws -> (generation: Int64, profiles: [OrganizationID: ClinicProfile]) {
        let engine = engine
        return try await snapshot { database in
            guard
                let generation = try await database.select().column("value").from("counters")
                    .where("name", .equal, SQLBind(LinkChangeFeed.counter)).first()
            else { throw StoreError.corruptRow(table: "counters", reason: "link change counter missing") }
            let highest =
                try await database.select().column(SQLFunction("max", args: SQLColumn("id")), as: "highest")
                .from("links").first()?.decode(column: "highest", as: Int64?.self) ?? 0
            expecting(min(limit, Int(highest)))
            let step = max(1, rangeSize)
            // The database reads the next range while this task parses and stores the last one.
            var fetched =
                highest > 0
                ? try await Self.fetchLinkRange(after: 0, through: step, limit: limit, engine, database) : nil
            var count = 0
            var low: Int64 = 0
            while let range = fetched, count < limit {
                let high = low + step
                async let following =
                    high < highest
                    ? Self.fetchLinkRange(after: high, through: high + step, limit: limit, engine, database) : nil
                var (values, records) = try PackedLink.parse(codes: range.codes, owners: range.owners)
                if values.count > limit - count { values.removeLast(values.count - (limit - count)) }
                count += values.count
                if !values.isEmpty { packed(values) }
                for record in (records + range.colored).prefix(limit - count) {
                    each(record)
                    count += 1
                }
                fetched = try await following
                low = high
            }
            var profiles: [OrganizationID: ClinicProfile] = [:]
            for row in try await database.select().columns(Self.organizationColumns).from("organizations").all() {
                let organization = try Self.decodeOrganization(row)
                profiles[organization.id] = organization.profile
            }
            return (try generation.decode(column: "value", as: Int64.self), profiles)
        }
    }

    /// The links of ids in `low <.. high` as the load reads them: the joined codes and owners of those with the
    /// standard colors, and (up to `limit`) those with their own colors as records; `nil` past the last link.
    private static func fetchLinkRange(
        after low: Int64,
        through high: Int64,
        limit: Int,
        _ engine: any DatabaseEngine,
        _ database: any SQLDatabase
    ) async throws -> (codes: String, owners: String, colored: [PublicLinkRecord])? {
        let standard = "qr_foreground IS NULL AND qr_background IS NULL"
        let codes = engine.joined("CASE WHEN \(standard) THEN code END")
        let owners = engine.joined("CASE WHEN \(standard) THEN \(PackedLink.owner) END")
        let range: SQLQueryString = """
            SELECT \(unsafeRaw: codes) AS codes, \(unsafeRaw: owners) AS owners, count(*) AS links \
            FROM links WHERE id > \(bind: low) AND id <= \(bind: high)
            """
        guard let row = try await database.raw(range).first() else { return nil }
        let joinedCodes = try row.decode(column: "codes", as: String?.self) ?? ""
        let joinedOwners = try row.decode(column: "owners", as: String?.self) ?? ""
        // Both engines leave NULLs out of the joined texts: the links they hold are one more than the commas of the
        // owners, the shorter text.
        let standardLinks = joinedOwners.isEmpty ? 0 : joinedOwners.utf8.count { $0 == UInt8(ascii: ",") } + 1
        var colored: [PublicLinkRecord] = []
        if try row.decode(column: "links", as: Int.self) > standardLinks {
            let others: SQLQueryString = """
                SELECT code, organization_id, status, qr_foreground, qr_background FROM links \
                WHERE id > \(bind: low) AND id <= \(bind: high) AND NOT (\(unsafeRaw: standard)) \
                ORDER BY id LIMIT \(bind: limit)
                """
            colored = try await database.raw(others).all().map { try decodePublicLink($0, prefix: "") }
        }
        return (joinedCodes, joinedOwners, colored)
    }

    static func decodePublicLink(_ row: any SQLRow, prefix: String) throws -> PublicLinkRecord {
        let statusText = try row.decode(column: prefix + "status", as: String.self)
        guard let status = LinkStatus(rawValue: statusText) else {
            throw StoreError.corruptRow(table: "links", reason: "unknown status \(statusText)")
        }
        return PublicLinkRecord(
            code: try LinkCode(try row.decode(column: prefix + "code", as: String.self)),
            organizationID: OrganizationID(
                rawValue: try row.decode(column: prefix + "organization_id", as: Int64.self)),
            isActive: status == .active,
            qrColors: try decodeQRColors(row, prefix: prefix))
    }
}
