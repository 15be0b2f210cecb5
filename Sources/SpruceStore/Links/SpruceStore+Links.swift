import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// How many draws in a row may find no free code before minting gives up on a crowded code space.
    static let maximumMintAttempts = 1_000
    /// The share of a numeric length's codes that may be used before minting moves to the next length.
    public static let crowdedSpaceFraction = 0.1
    /// Rows per multi-row insert: well under the bind limits of SQLite (32 766) and PostgreSQL (65 535).
    static let mintBatchSize = 2_000
    /// Binds in one statement, under the limits of SQLite (32 766) and PostgreSQL (65 535): 2 000 links × 6 columns
    /// fit, and tag rows are split to stay under it.
    static let maximumBindsPerStatement = 30_000
    public static let maximumMintCount = 1_000_000
    public static let labelLimit = 200

    /// Mints `count` links in one transaction; see ``mint(_:count:codes:at:progress:)``.
    public func mintLinks(
        _ request: MintRequest,
        count: Int = 1,
        codes: any LinkCodeSource = SystemCodeSource(),
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date(),
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> [PracticeLink] {
        try await mint(request, count: count, codes: codes, in: scope, at: now, progress: progress).links
    }

    /// Mints `count` links in one transaction and says which code length it used.
    ///
    /// Collisions are settled by the unique index on `code` (`INSERT … ON CONFLICT DO NOTHING`), never by a look-up
    /// first: a colliding code is simply not returned by the insert and only that code is drawn again. Minting
    /// gives up only after ``maximumMintAttempts`` draws in a row find no free code. With
    /// ``MintRequest/LengthPolicy/moveUpWhenCrowded`` (the default), numeric codes get the next length while the
    /// length asked for would be more than ``crowdedSpaceFraction`` used after this mint.
    /// - Parameters:
    ///   - scope: who asks; minting is an admin action, and an organization out of scope answers like a missing
    ///     one.
    ///   - progress: called after each batch with (minted, count).
    /// - Throws: ``StoreError`` for an unknown organization, a bad count or label, a taken vanity code, or
    ///   ``StoreError/forbidden(_:)`` for staff.
    public func mint(
        _ request: MintRequest,
        count: Int = 1,
        codes: any LinkCodeSource = SystemCodeSource(),
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date(),
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) async throws -> MintedLinks {
        try scope.requireAdmin("mint links")
        guard scope.contains(request.organizationID) else {
            throw StoreError.organizationNotFound(id: request.organizationID.rawValue)
        }
        guard (1...Self.maximumMintCount).contains(count) else {
            throw StoreError.invalidInput(field: "count", rule: "must be between 1 and \(Self.maximumMintCount)")
        }
        if case .numeric = request.kind {
        } else if count != 1 {
            throw StoreError.invalidInput(field: "count", rule: "a vanity code is minted one at a time")
        }
        guard request.label.count <= Self.labelLimit else {
            throw StoreError.invalidInput(field: "label", rule: "longer than \(Self.labelLimit) characters")
        }
        if let rule = FreeText.violation(in: request.label) {
            throw StoreError.invalidInput(field: "label", rule: rule)
        }
        if case .numeric(let length) = request.kind, !LinkCode.numericLengths.contains(length) {
            throw StoreError.invalidInput(field: "length", rule: "numeric codes have 6 to 10 digits")
        }
        let bulkMintLock = count > 1 ? engine.bulkMintLock : nil
        return try await transaction { database in
            if let bulkMintLock { try await database.execute(sql: SQLRaw(bulkMintLock)) { _ in } }
            guard try await Self.organization(id: request.organizationID, in: database) != nil else {
                throw StoreError.organizationNotFound(id: request.organizationID.rawValue)
            }
            guard case .numeric(let asked) = request.kind else {
                let links = try await Self.mint(
                    request, count: count, codes: codes, at: now, in: database,
                    progress: progress)
                return MintedLinks(links: links, codeLength: nil, crowdedLength: nil)
            }
            var length = asked
            if request.lengthPolicy == .moveUpWhenCrowded {
                while length < LinkCode.numericLengths.upperBound,
                    try await Self.isCrowded(length: length, adding: count, codes: codes, in: database)
                {
                    length += 1
                }
            }
            var chosen = request
            chosen.kind = .numeric(length: length)
            let links = try await Self.mint(
                chosen, count: count, codes: codes, at: now, in: database, progress: progress)
            return MintedLinks(links: links, codeLength: length, crowdedLength: length == asked ? nil : asked)
        }
    }

    /// Whether `count` more codes of `length` digits would leave that space more than ``crowdedSpaceFraction``
    /// used. The largest link id bounds the number of links, so the exact count runs only near the limit.
    static func isCrowded(
        length: Int,
        adding count: Int,
        codes: any LinkCodeSource,
        in database: any SQLDatabase
    ) async throws -> Bool {
        let limit = Int(Double(codes.capacity(length: length)) * crowdedSpaceFraction)
        let highest =
            try await database.select().column(SQLFunction("max", args: SQLColumn("id")), as: "highest")
            .from("links").first()?.decode(column: "highest", as: Int64?.self) ?? 0
        if Int(highest) + count <= limit { return false }
        let lowest = "1" + String(repeating: "0", count: length - 1)
        let used =
            try await database.select().column(SQLFunction("count", args: SQLLiteral.all), as: "used")
            .from("links")
            .where("code", .greaterThanOrEqual, SQLBind(lowest))
            .where("code", .lessThanOrEqual, SQLBind(String(repeating: "9", count: length)))
            .where(SQLFunction("length", args: SQLColumn("code")), .equal, SQLBind(length))
            .first()?.decode(column: "used", as: Int.self) ?? 0
        return used + count > limit
    }

    static func mint(
        _ request: MintRequest,
        count: Int,
        codes: any LinkCodeSource,
        at now: Date,
        in database: any SQLDatabase,
        progress: (@Sendable (Int, Int) -> Void)?
    ) async throws -> [PracticeLink] {
        switch request.kind {
        case .numeric(let length):
            var minted: [PracticeLink] = []
            minted.reserveCapacity(count)
            var fruitlessInARow = 0
            while minted.count < count {
                var batch: [LinkCode] = []
                var seen = Set<LinkCode>()
                let wanted = min(mintBatchSize, count - minted.count)
                batch.reserveCapacity(wanted)
                while batch.count < wanted {
                    let code = codes.numericCode(length: length)
                    if seen.insert(code).inserted { batch.append(code) } else { fruitlessInARow += 1 }
                    if fruitlessInARow > maximumMintAttempts { throw StoreError.noFreeCode(attempts: fruitlessInARow) }
                }
                let inserted = try await insertLinks(batch, request: request, at: now, in: database)
                fruitlessInARow = inserted.isEmpty ? fruitlessInARow + batch.count : 0
                if fruitlessInARow > maximumMintAttempts { throw StoreError.noFreeCode(attempts: fruitlessInARow) }
                minted += inserted
                progress?(minted.count, count)
            }
            return minted
        case .chosen(let code):
            let inserted = try await insertLinks([code], request: request, at: now, in: database)
            guard !inserted.isEmpty else { throw StoreError.codeTaken }
            progress?(1, 1)
            return inserted
        case .vanityFromName:
            guard let organization = try await organization(id: request.organizationID, in: database) else {
                throw StoreError.organizationNotFound(id: request.organizationID.rawValue)
            }
            let candidates = LinkCode.vanityCandidates(
                for: organization.profile.displayName, limit: maximumMintAttempts)
            guard !candidates.isEmpty else {
                throw StoreError.invalidInput(
                    field: "vanity", rule: "the organization's name gives no usable vanity code")
            }
            for candidate in candidates {
                let inserted = try await insertLinks([candidate], request: request, at: now, in: database)
                if !inserted.isEmpty {
                    progress?(1, 1)
                    return inserted
                }
            }
            throw StoreError.noFreeCode(attempts: candidates.count)
        }
    }

    /// Inserts the links whose codes are free and returns them; taken codes are skipped by the unique index.
    private static func insertLinks(
        _ codes: [LinkCode],
        request: MintRequest,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> [PracticeLink] {
        var insert = database.insert(into: "links")
            .columns("code", "organization_id", "label", "status", "is_primary", "created_at")
        for code in codes {
            insert = insert.values(
                SQLBind(code.rawValue), SQLBind(request.organizationID.rawValue), SQLBind(request.label),
                SQLBind(LinkStatus.active.rawValue), SQLBind(request.isPrimary), SQLBind(now.storedMilliseconds)
            )
        }
        let rows = try await insert.ignoringConflicts(with: "code").returning("id", "code").all()
        let tags = Array(Set(request.tags)).sorted()
        var links: [PracticeLink] = []
        links.reserveCapacity(rows.count)
        for row in rows {
            let id = LinkID(rawValue: try row.decode(column: "id", as: Int64.self))
            let code = try LinkCode(try row.decode(column: "code", as: String.self))
            links.append(
                PracticeLink(
                    id: id, code: code, organizationID: request.organizationID, label: request.label, tags: tags,
                    status: .active, isPrimary: request.isPrimary,
                    createdAt: Date(storedMilliseconds: now.storedMilliseconds)
                )
            )
        }
        if !tags.isEmpty && !links.isEmpty {
            let linksPerInsert = max(1, maximumBindsPerStatement / (2 * tags.count))
            for chunk in stride(from: 0, to: links.count, by: linksPerInsert) {
                var tagInsert = database.insert(into: "link_tags").columns("link_id", "tag")
                for link in links[chunk..<min(chunk + linksPerInsert, links.count)] {
                    for tag in tags { tagInsert = tagInsert.values(SQLBind(link.id.rawValue), SQLBind(tag.rawValue)) }
                }
                try await tagInsert.run()
            }
        }
        return links
    }

    /// The link with `code` (active or disabled), or `nil`.
    public func link(code: LinkCode) async throws -> PracticeLink? {
        try await read { database in try await Self.link(code: code, in: database) }
    }

    static func link(code: LinkCode, in database: any SQLDatabase) async throws -> PracticeLink? {
        guard
            let row = try await database.select().columns(linkColumns).from("links")
                .where("code", .equal, SQLBind(code.rawValue)).first()
        else { return nil }
        return try await withTags(decodeLink(row), in: database)
    }

    static func link(id: LinkID, in database: any SQLDatabase) async throws -> PracticeLink? {
        guard
            let row = try await database.select().columns(linkColumns).from("links")
                .where("id", .equal, SQLBind(id.rawValue)).first()
        else { return nil }
        return try await withTags(decodeLink(row), in: database)
    }

    /// Every link of an organization, primary first, then oldest first.
    public func links(of organizationID: OrganizationID) async throws -> [PracticeLink] {
        try await read { database in
            guard try await Self.organization(id: organizationID, in: database) != nil else {
                throw StoreError.organizationNotFound(id: organizationID.rawValue)
            }
            let rows = try await database.select().columns(Self.linkColumns).from("links")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                .orderBy("is_primary", .descending).orderBy("id").all()
            let tagRows = try await database.select()
                .column(SQLColumn("link_id", table: "link_tags")).column(SQLColumn("tag", table: "link_tags"))
                .from("link_tags")
                .join("links", on: SQLColumn("id", table: "links"), .equal, SQLColumn("link_id", table: "link_tags"))
                .where(SQLColumn("organization_id", table: "links"), .equal, SQLBind(organizationID.rawValue))
                .all()
            var tagsByLink: [Int64: [ConversationTag]] = [:]
            for row in tagRows {
                tagsByLink[try row.decode(column: "link_id", as: Int64.self), default: []]
                    .append(try ConversationTag(try row.decode(column: "tag", as: String.self)))
            }
            return try rows.map { row in
                var link = try Self.decodeLink(row)
                link.tags = (tagsByLink[link.id.rawValue] ?? []).sorted()
                return link
            }
        }
    }

    /// Disables the link with `code`, which must be in `scope`. The code stays taken forever, so it never leads
    /// to another organization.
    /// - Returns: the link as it is now.
    /// - Throws: ``StoreError/linkNotFound`` when no link has that code (or it is out of scope).
    @discardableResult
    public func disableLink(code: LinkCode, in scope: OrganizationScope) async throws -> PracticeLink {
        try await updateLink(code: code, in: scope, action: "disable links") { update in
            update.set("status", to: SQLBind(LinkStatus.disabled.rawValue))
        }
    }

    static let linkColumns = [
        "id", "code", "organization_id", "label", "status", "is_primary", "created_at", "qr_foreground",
        "qr_background",
    ]

    @Sendable static func decodeLink(_ row: any SQLRow) throws -> PracticeLink {
        let statusText = try row.decode(column: "status", as: String.self)
        guard let status = LinkStatus(rawValue: statusText) else {
            throw StoreError.corruptRow(table: "links", reason: "unknown status \(statusText)")
        }
        return PracticeLink(
            id: LinkID(rawValue: try row.decode(column: "id", as: Int64.self)),
            code: try LinkCode(try row.decode(column: "code", as: String.self)),
            organizationID: OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self)),
            label: try row.decode(column: "label", as: String.self),
            tags: [],
            status: status,
            isPrimary: try row.decode(column: "is_primary", as: Bool.self),
            createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            qrColors: try decodeQRColors(row, prefix: "")
        )
    }

    /// The link's QR colors from `qr_foreground` and `qr_background`; NULL is black on white.
    static func decodeQRColors(_ row: any SQLRow, prefix: String) throws -> QRColors {
        guard let foreground = try row.decode(column: prefix + "qr_foreground", as: String?.self),
            let background = try row.decode(column: prefix + "qr_background", as: String?.self)
        else { return .standard }
        do {
            return try QRColors(foreground: foreground, background: background)
        } catch {
            throw StoreError.corruptRow(table: "links", reason: "QR colors: \(error.description)")
        }
    }

    /// Sets the QR colors of the link with `code`, which must be in `scope`.
    /// - Returns: the link as it is now.
    /// - Throws: ``StoreError/linkNotFound`` when no link has that code (or it is out of scope).
    @discardableResult
    public func setQRColors(_ colors: QRColors, code: LinkCode, in scope: OrganizationScope) async throws
        -> PracticeLink
    {
        try await updateLink(code: code, in: scope, action: "change QR colors") { update in
            update.set("qr_foreground", to: SQLBind(colors == .standard ? nil : colors.foreground))
                .set("qr_background", to: SQLBind(colors == .standard ? nil : colors.background))
        }
    }

    /// One guarded UPDATE of the link with `code` in `scope` (an admin action), then the link as it is.
    private func updateLink(
        code: LinkCode,
        in scope: OrganizationScope,
        action: String,
        _ set: @escaping @Sendable (SQLUpdateBuilder) -> SQLUpdateBuilder
    ) async throws -> PracticeLink {
        try scope.requireAdmin(action)
        return try await transaction { database in
            var update = set(database.update("links")).where("code", .equal, SQLBind(code.rawValue))
            if let organizationID = scope.organizationID {
                update = update.where("organization_id", .equal, SQLBind(organizationID.rawValue))
            }
            guard !(try await update.returning("id").all()).isEmpty,
                let link = try await Self.link(code: code, in: database)
            else { throw StoreError.linkNotFound }
            return link
        }
    }

    static func withTags(_ link: PracticeLink, in database: any SQLDatabase) async throws -> PracticeLink {
        var link = link
        link.tags = try await database.select().column("tag").from("link_tags")
            .where("link_id", .equal, SQLBind(link.id.rawValue)).orderBy("tag").all()
            .map { try ConversationTag(try $0.decode(column: "tag", as: String.self)) }
        return link
    }

    /// `links` with their tags, read in one query (a page of links costs two statements, not one per link).
    static func withTags(_ links: [PracticeLink], in database: any SQLDatabase) async throws -> [PracticeLink] {
        guard !links.isEmpty else { return links }
        let rows = try await database.select().columns("link_id", "tag").from("link_tags")
            .where("link_id", .in, SQLBind.group(links.map(\.id.rawValue))).orderBy("tag").all()
        var tags: [Int64: [ConversationTag]] = [:]
        for row in rows {
            tags[try row.decode(column: "link_id", as: Int64.self), default: []].append(
                try ConversationTag(try row.decode(column: "tag", as: String.self)))
        }
        return links.map { link in
            var link = link
            link.tags = tags[link.id.rawValue] ?? []
            return link
        }
    }
}
