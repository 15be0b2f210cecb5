import Foundation
import SQLKit
import SpruceCore

/// One recipient to invite and the channels to deliver on; each channel needs the matching address.
public struct InvitationRequest: Sendable {
    public let recipient: InvitationRecipient
    public let channels: [InvitationChannel]

    public init(recipient: InvitationRecipient, channels: [InvitationChannel]) {
        self.recipient = recipient
        self.channels = channels
    }
}

extension SpruceStore {
    /// ``prepareInvitations(link:requests:invitedBy:resend:lifetime:in:at:)`` for one recipient.
    /// - Throws: ``StoreError`` when the link is unknown, out of `scope` or disabled, or the input is incomplete.
    public func prepareInvitation(
        link code: LinkCode,
        recipient: InvitationRecipient,
        channels: [InvitationChannel],
        invitedBy: String?,
        resend: Bool = false,
        lifetime: TimeInterval = Invitation.defaultLifetime,
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date()
    ) async throws -> InvitationPreparation {
        let results = try await prepareInvitations(
            link: code, requests: [InvitationRequest(recipient: recipient, channels: channels)], invitedBy: invitedBy,
            resend: resend, lifetime: lifetime, in: scope, at: now)
        guard let result = results.first else { throw StoreError.invalidInput(field: "recipient", rule: "is needed") }
        return try result.get()
    }

    /// The one way to invite: records the invitation of each recipient through the active link `code`, unless
    /// they opted out or already hold a still-valid invitation to the same practice (matched by email or phone).
    /// Every front door goes through it: the CLI (one recipient or a batch, then delivered by `SpruceDelivery`)
    /// and the API (a link-only invitation: no channels, the token handed back to the caller).
    ///
    /// The invitation is recorded **before** it is delivered, and ``markDelivered(_:at:)`` marks it after: a run
    /// that stops in between finds it again as ``InvitationPreparation/undelivered(_:)``.
    ///
    /// The requests are decided in order, each seeing the ones before it: a second request for a recipient recorded
    /// earlier in the same call gets ``InvitationPreparation/undelivered(_:)`` with that invitation. The work is
    /// set-based, so its statement count does not grow with the rows: one query for the opt-outs of every address,
    /// one per address kind for the still-valid invitations (each on its index), one update for the revocations of
    /// `resend`, one multi-row insert — each split only when it would exceed ``maximumInListBinds`` or
    /// ``maximumRowsPerInsert``; so a batch costs one transaction per chunk instead of one per recipient.
    /// - Parameters:
    ///   - requests: the recipients (validated with `InvitationRecipient.validated`) and the channels to deliver
    ///     on; each channel needs the matching address. No channels: the caller hands the token over itself.
    ///   - invitedBy: who is sending them.
    ///   - resend: revoke a still-valid delivered invitation and make a new one, in the same transaction.
    ///   - scope: whose links may be used; a link out of scope is ``StoreError/linkNotFound``.
    /// - Returns: one result per request, in order; a request with incomplete input fails alone.
    /// - Throws: ``StoreError`` when the link is unknown, out of scope or disabled (nothing is recorded), or the
    ///   engine's error.
    public func prepareInvitations(
        link code: LinkCode,
        requests: [InvitationRequest],
        invitedBy: String?,
        resend: Bool = false,
        lifetime: TimeInterval = Invitation.defaultLifetime,
        in scope: OrganizationScope = .everyOrganization,
        at now: Date = Date()
    ) async throws -> [Result<InvitationPreparation, StoreError>] {
        let problems: [StoreError?] = requests.map { request in
            do throws(StoreError) {
                try Self.checkRequest(request, lifetime: lifetime)
                return nil
            } catch {
                return error
            }
        }
        guard problems.contains(where: { $0 == nil }) else { return problems.compactMap { $0.map { .failure($0) } } }
        let codeKey = connectCodeKey
        return try await transaction { database in
            guard let link = try await Self.link(code: code, in: database), scope.contains(link.organizationID) else {
                throw StoreError.linkNotFound
            }
            return try await Self.prepare(
                requests, problems: problems, link: link, invitedBy: invitedBy, resend: resend, lifetime: lifetime,
                codeKey: codeKey, at: now, in: database)
        }
    }

    /// At most this many values in one `IN (...)` list: small statements for both engines' planners, far below
    /// their bind limits (SQLite 32 766, PostgreSQL 65 535).
    static let maximumInListBinds = 500

    /// At most this many rows in one multi-row insert of invitations (11 binds a row: 2 200 binds), so the
    /// default chunk of 200 is one statement.
    static let maximumRowsPerInsert = 200

    static func checkRequest(_ request: InvitationRequest, lifetime: TimeInterval) throws(StoreError) {
        let (recipient, channels) = (request.recipient, request.channels)
        guard recipient.email?.isEmpty == false || recipient.phone?.isEmpty == false else {
            throw StoreError.invalidInput(field: "recipient", rule: "needs an email address or a phone number")
        }
        do { try recipient.checkAddresses(for: channels) } catch {
            throw StoreError.invalidInput(field: error.field, rule: error.rule)
        }
        guard lifetime > 0 else { throw StoreError.invalidInput(field: "lifetime", rule: "must be positive") }
    }

    /// The decisions for `requests` (those with a `problems` entry fail alone), inside the caller's transaction.
    ///
    /// Reads everything the decisions depend on up front — the opt-outs among the requests' addresses and the
    /// still-valid invitations at the organization to any of their emails or phones — then decides request by
    /// request in memory exactly as one-at-a-time statements would (the newest matching valid invitation wins; an
    /// invitation revoked or made earlier in the call is seen by the later requests), then writes the revocations
    /// and the new invitations in bulk.
    static func prepare(
        _ requests: [InvitationRequest],
        problems: [StoreError?],
        link: PracticeLink,
        invitedBy: String?,
        resend: Bool,
        lifetime: TimeInterval,
        codeKey: SigningKey,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> [Result<InvitationPreparation, StoreError>] {
        let accepted = zip(requests, problems).filter { $0.1 == nil }.map(\.0)
        let optedOut = try await optedOutAddresses(
            Set(accepted.flatMap { [$0.recipient.email, $0.recipient.phone].compactMap { $0 } }), in: database)
        var book = InvitationBook(
            try await validInvitations(
                organizationID: link.organizationID,
                emails: Set(accepted.compactMap(\.recipient.email)),
                phones: Set(accepted.compactMap(\.recipient.phone)),
                at: now, in: database))

        enum Decision {
            case failed(StoreError)
            case optedOut(String)
            case undelivered(Int)
            case alreadyInvited(Int)
            case created(Int)
        }
        var decisions: [Decision] = []
        decisions.reserveCapacity(requests.count)
        var revoked: [Int64] = []
        for (request, problem) in zip(requests, problems) {
            if let problem {
                decisions.append(.failed(problem))
                continue
            }
            let recipient = request.recipient
            if let address = [recipient.email, recipient.phone].compactMap({ $0 }).first(where: optedOut.contains) {
                decisions.append(.optedOut(address))
                continue
            }
            guard link.status == .active else {
                throw StoreError.invalidInput(field: "link", rule: "is disabled; invitations need an active link")
            }
            if let entry = book.newest(email: recipient.email, phone: recipient.phone) {
                switch book.entries[entry] {
                case .stored(let existing):
                    if !existing.channels.isEmpty && !existing.undeliveredChannels.isEmpty {
                        decisions.append(.undelivered(entry))
                        continue
                    }
                    guard resend else {
                        decisions.append(.alreadyInvited(entry))
                        continue
                    }
                    revoked.append(existing.invitation.id.rawValue)
                    book.revoke(entry)
                case .new(let index):
                    // Recorded earlier in this call: not delivered yet, unless it is a link-only invitation.
                    decisions.append(
                        book.newRequests[index].channels.isEmpty ? .alreadyInvited(entry) : .undelivered(entry))
                    continue
                }
            }
            decisions.append(.created(book.add(request)))
        }

        for ids in revoked.chunks(of: maximumInListBinds) {
            try await database.update("invitations").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where(SQLIdentifier("id"), .in, SQLGroupExpression(ids.map { SQLBind($0) })).run()
        }
        let created = try await insertInvitations(
            book.newRequests, link: link, invitedBy: invitedBy, lifetime: lifetime, codeKey: codeKey, at: now,
            in: database)

        func record(_ entry: Int) -> InvitationRecord {
            switch book.entries[entry] {
            case .stored(let record): return record
            case .new(let index): return created[index].record
            }
        }
        return decisions.map { decision in
            switch decision {
            case .failed(let error): return .failure(error)
            case .optedOut(let address): return .success(.optedOut(address: address))
            case .undelivered(let entry): return .success(.undelivered(record(entry)))
            case .alreadyInvited(let entry): return .success(.alreadyInvited(record(entry)))
            case .created(let entry):
                guard case .new(let index) = book.entries[entry] else { return .success(.undelivered(record(entry))) }
                return .success(.created(created[index].record, created[index].token))
            }
        }
    }

    /// Records one new invitation per request with multi-row inserts (`RETURNING id, token_digest`), in order.
    ///
    /// A token whose digest is already taken (the insert skips that row) is replaced and its row inserted again.
    static func insertInvitations(
        _ requests: [InvitationRequest],
        link: PracticeLink,
        invitedBy: String?,
        lifetime: TimeInterval,
        codeKey: SigningKey,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> [(record: InvitationRecord, token: InvitationToken)] {
        let createdAt = now.storedMilliseconds
        let expiresAt = now.addingTimeInterval(lifetime).storedMilliseconds
        var tokens = requests.map { _ in InvitationToken.generate() }
        var ids: [Int64?] = Array(repeating: nil, count: requests.count)
        var missing = Array(requests.indices)
        var attempts = 0
        while !missing.isEmpty {
            guard attempts < maximumMintAttempts else { throw StoreError.noFreeCode(attempts: maximumMintAttempts) }
            attempts += 1
            for slice in missing.chunks(of: maximumRowsPerInsert) {
                var insert = database.insert(into: "invitations").columns(
                    "token_digest", "link_id", "organization_id", "recipient_name", "recipient_email",
                    "recipient_phone", "created_at", "expires_at", "invited_by", "channels", "connect_code_digest")
                var slots: [String: Int] = [:]
                for index in slice {
                    let (recipient, digest) = (requests[index].recipient, tokens[index].digest.hex)
                    slots[digest] = index
                    insert = insert.values(
                        SQLBind(digest), SQLBind(link.id.rawValue), SQLBind(link.organizationID.rawValue),
                        SQLBind(recipient.name), SQLBind(recipient.email), SQLBind(recipient.phone),
                        SQLBind(createdAt), SQLBind(expiresAt), SQLBind(invitedBy),
                        SQLBind(encodeChannels(requests[index].channels)),
                        SQLBind(ConnectCode.derived(from: tokens[index]).digest(key: codeKey).hex))
                }
                for row in try await insert.ignoringConflicts(with: "token_digest").returning("id", "token_digest")
                    .all()
                {
                    guard let index = slots[try row.decode(column: "token_digest", as: String.self)] else {
                        throw StoreError.corruptRow(table: "invitations", reason: "insert returned an unknown token")
                    }
                    ids[index] = try row.decode(column: "id", as: Int64.self)
                }
            }
            missing = missing.filter { ids[$0] == nil }
            for index in missing { tokens[index] = InvitationToken.generate() }
        }
        return try requests.indices.map { index in
            guard let id = ids[index] else { throw StoreError.noFreeCode(attempts: maximumMintAttempts) }
            let invitation = Invitation(
                id: InvitationID(rawValue: id), tokenDigest: tokens[index].digest, linkID: link.id,
                organizationID: link.organizationID, recipient: requests[index].recipient, tags: link.tags,
                createdAt: Date(storedMilliseconds: createdAt), expiresAt: Date(storedMilliseconds: expiresAt))
            let record = InvitationRecord(
                invitation: invitation, invitedBy: invitedBy, channels: requests[index].channels)
            return (record, tokens[index])
        }
    }

    /// Gives a still-pending invitation a fresh token and returns it; the old token stops resolving.
    ///
    /// For a recorded invitation whose message never reached the outbox spool (the raw token is stored nowhere,
    /// so it cannot be sent again), and for reminders (`reminder: true` also records the reminder, once).
    /// - Returns: the new token, or `nil` when the invitation is no longer pending (or already reminded).
    public func rekeyInvitation(
        id: InvitationID,
        reminder: Bool = false,
        at now: Date = Date()
    ) async throws -> InvitationToken? {
        let codeKey = connectCodeKey
        return try await transaction { database in
            for _ in 0..<Self.maximumMintAttempts {
                let token = InvitationToken.generate()
                if try await database.select().column("id").from("invitations")
                    .where("token_digest", .equal, SQLBind(token.digest.hex)).first() != nil
                {
                    continue
                }
                var update = database.update("invitations").set("token_digest", to: SQLBind(token.digest.hex))
                    .set("connect_code_digest", to: SQLBind(ConnectCode.derived(from: token).digest(key: codeKey).hex))
                    .where("id", .equal, SQLBind(id.rawValue))
                    .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                if reminder {
                    update = update.set("reminded_at", to: SQLBind(now.storedMilliseconds))
                        .where("reminded_at", .is, SQLLiteral.null)
                }
                let rows = try await update.returning("id").all()
                return rows.isEmpty ? nil : token
            }
            throw StoreError.noFreeCode(attempts: Self.maximumMintAttempts)
        }
    }

    /// Records that the invitation reached its recipient on `channel` (the first time counts). An invitation's
    /// first delivery on any channel counts it as sent in its link's funnel, in the same transaction.
    public func markDelivered(_ id: InvitationID, channel: InvitationChannel, at now: Date = Date()) async throws {
        let column = channel == .email ? "email_delivered_at" : "text_delivered_at"
        try await transaction { database in
            try await Self.countFirstDeliveries(of: [id.rawValue], at: now, in: database)
            try await database.update("invitations").set(SQLIdentifier(column), to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id.rawValue)).where(SQLIdentifier(column), .is, SQLLiteral.null).run()
        }
    }

    /// ``markDelivered(_:channel:at:)`` for many deliveries in **one** transaction (the batch path): one
    /// `UPDATE … WHERE id IN (…)` per channel (split past ``maximumInListBinds`` ids).
    public func markDelivered(_ deliveries: [InvitationDelivery], at now: Date = Date()) async throws {
        guard !deliveries.isEmpty else { return }
        try await transaction { database in
            try await Self.countFirstDeliveries(
                of: Array(Set(deliveries.map(\.invitationID.rawValue))), at: now, in: database)
            for channel in InvitationChannel.allCases {
                let ids = deliveries.filter { $0.channel == channel }.map(\.invitationID.rawValue)
                let column = SQLIdentifier(channel == .email ? "email_delivered_at" : "text_delivered_at")
                for slice in ids.chunks(of: Self.maximumInListBinds) {
                    try await database.update("invitations").set(column, to: SQLBind(now.storedMilliseconds))
                        .where(SQLIdentifier("id"), .in, SQLGroupExpression(slice.map { SQLBind($0) }))
                        .where(column, .is, SQLLiteral.null).run()
                }
            }
        }
    }

    /// Adds `invitation_sent` to the funnel of each link whose invitations among `ids` have not been delivered on
    /// any channel yet, on the day `now` is in the organization's time zone. Runs before the delivery is marked.
    static func countFirstDeliveries(of ids: [Int64], at now: Date, in database: any SQLDatabase) async throws {
        var sent: [FunnelTally.DayKey: (link: Int64, organization: Int64, count: Int)] = [:]
        var zones: [Int64: TimeZone] = [:]
        for slice in ids.chunks(of: Self.maximumInListBinds) {
            let rows = try await database.select()
                .column(SQLColumn("link_id", table: "invitations")).column(SQLColumn("code", table: "links"))
                .column(SQLColumn("organization_id", table: "invitations"))
                .from("invitations").join(
                    "links", on: SQLColumn("link_id", table: "invitations"), .equal,
                    SQLColumn("id", table: "links")
                )
                .where(SQLColumn("id", table: "invitations"), .in, SQLGroupExpression(slice.map { SQLBind($0) }))
                .where(SQLColumn("email_delivered_at", table: "invitations"), .is, SQLLiteral.null)
                .where(SQLColumn("text_delivered_at", table: "invitations"), .is, SQLLiteral.null)
                .all()
            for row in rows {
                let organization = try row.decode(column: "organization_id", as: Int64.self)
                if zones[organization] == nil {
                    zones[organization] = try await funnelTimeZone(of: organization, in: database).timeZone
                }
                let key = FunnelTally.DayKey(
                    code: try LinkCode(try row.decode(column: "code", as: String.self)),
                    day: LocalDay(now, in: zones[organization] ?? .gmt))
                let link = try row.decode(column: "link_id", as: Int64.self)
                sent[key, default: (link, organization, 0)].count += 1
            }
        }
        for (key, row) in sent {
            try await database.raw(
                """
                INSERT INTO funnel_days (link_id, organization_id, day, event, count) VALUES \
                (\(bind: row.link), \(bind: row.organization), \(bind: key.day.description), \
                \(bind: FunnelEvent.invitationSent.rawValue), \(bind: Int64(row.count))) \
                ON CONFLICT (link_id, day, event) DO UPDATE SET count = funnel_days.count + excluded.count
                """
            ).run()
        }
    }

    /// Pending, delivered, never-reminded invitations in `scope` made at or before `createdBefore`, oldest first.
    public func invitationsDueForReminder(
        in scope: OrganizationScope,
        createdBefore: Date,
        at now: Date = Date()
    ) async throws -> [InvitationRecord] {
        try await read { database in
            var query = database.select().columns(Self.recordColumns).from("invitations")
                .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                .where("reminded_at", .is, SQLLiteral.null).where("channels", .isNot, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                .where("created_at", .lessThanOrEqual, SQLBind(createdBefore.storedMilliseconds))
            if let organizationID = scope.organizationID {
                query = query.where("organization_id", .equal, SQLBind(organizationID.rawValue))
            }
            var records: [InvitationRecord] = []
            for row in try await query.orderBy("id").all() {
                let record = try await Self.decodeRecord(row, in: database)
                guard record.undeliveredChannels.isEmpty else { continue }
                let addresses = [record.invitation.recipient.email, record.invitation.recipient.phone].compactMap { $0 }
                if try await Self.optedOutAddress(addresses, in: database) != nil { continue }
                records.append(record)
            }
            return records
        }
    }

    /// Records that `address` (a normalized email or E.164 phone) must never be invited again, and revokes its
    /// pending invitations.
    /// - Returns: how many pending invitations were revoked.
    @discardableResult
    public func optOut(address: String, at now: Date = Date()) async throws -> Int {
        try await transaction { database in
            try await database.insert(into: "invitation_opt_outs").columns("address", "created_at")
                .values(SQLBind(address), SQLBind(now.storedMilliseconds))
                .ignoringConflicts(with: "address").run()
            let revoked = try await database.update("invitations").set(
                "revoked_at", to: SQLBind(now.storedMilliseconds)
            )
            .where("revoked_at", .is, SQLLiteral.null).where("used_at", .is, SQLLiteral.null)
            .where {
                $0.where("recipient_email", .equal, SQLBind(address))
                    .orWhere("recipient_phone", .equal, SQLBind(address))
            }
            .returning("id").all()
            return revoked.count
        }
    }

    /// An organization's invitations with their delivery state, newest first.
    public func invitationRecords(of organizationID: OrganizationID) async throws -> [InvitationRecord] {
        try await read { database in
            var records: [InvitationRecord] = []
            for row in try await database.select().columns(Self.recordColumns).from("invitations")
                .where("organization_id", .equal, SQLBind(organizationID.rawValue)).orderBy("id", .descending).all()
            {
                records.append(try await Self.decodeRecord(row, in: database))
            }
            return records
        }
    }

    static let recordColumns =
        invitationColumns + ["invited_by", "channels", "email_delivered_at", "text_delivered_at", "reminded_at"]

    /// `email,text`; NULL for a link-only invitation (made without delivery), which is never reminded.
    static func encodeChannels(_ channels: [InvitationChannel]) -> String? {
        channels.isEmpty ? nil : Array(Set(channels)).sorted().map(\.rawValue).joined(separator: ",")
    }

    static func decodeRecord(_ row: any SQLRow, in database: any SQLDatabase) async throws -> InvitationRecord {
        guard let record = try await decodeRecords([row], in: database).first else {
            throw StoreError.corruptRow(table: "invitations", reason: "row could not be decoded")
        }
        return record
    }

    static func decodeRecord(_ row: any SQLRow, tags: [ConversationTag]) throws -> InvitationRecord {
        let invitation = try decodeInvitation(row, tags: tags)
        let channelText = try row.decode(column: "channels", as: String?.self) ?? ""
        var channels: [InvitationChannel] = []
        for name in channelText.split(separator: ",") {
            guard let channel = InvitationChannel(rawValue: String(name)) else {
                throw StoreError.corruptRow(table: "invitations", reason: "unknown channel \(name)")
            }
            channels.append(channel)
        }
        return InvitationRecord(
            invitation: invitation,
            invitedBy: try row.decode(column: "invited_by", as: String?.self),
            channels: channels,
            emailDeliveredAt: try row.decode(column: "email_delivered_at", as: Int64?.self)
                .map(Date.init(storedMilliseconds:)),
            textDeliveredAt: try row.decode(column: "text_delivered_at", as: Int64?.self)
                .map(Date.init(storedMilliseconds:)),
            remindedAt: try row.decode(column: "reminded_at", as: Int64?.self).map(Date.init(storedMilliseconds:))
        )
    }

    /// The still-valid invitations at `organizationID` to any of `emails` or `phones`, oldest first: one query per
    /// address kind (per ``maximumInListBinds`` addresses), each on its `(organization_id, recipient_…)` index.
    static func validInvitations(
        organizationID: OrganizationID,
        emails: Set<String>,
        phones: Set<String>,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> [InvitationRecord] {
        var rows: [Int64: any SQLRow] = [:]
        for (column, addresses) in [("recipient_email", emails), ("recipient_phone", phones)] {
            for slice in addresses.sorted().chunks(of: maximumInListBinds) {
                for row in try await database.select().columns(recordColumns).from("invitations")
                    .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                    .where(SQLIdentifier(column), .in, SQLGroupExpression(slice.map { SQLBind($0) }))
                    .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                    .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                    .all()
                {
                    rows[try row.decode(column: "id", as: Int64.self)] = row
                }
            }
        }
        return try await decodeRecords(rows.sorted { $0.key < $1.key }.map(\.value), in: database)
    }

    /// ``decodeRecord(_:in:)`` for many rows, with one query for the tags of all their links.
    static func decodeRecords(_ rows: [any SQLRow], in database: any SQLDatabase) async throws -> [InvitationRecord] {
        guard !rows.isEmpty else { return [] }
        let linkIDs = Set(try rows.map { try $0.decode(column: "link_id", as: Int64.self) })
        var tagsByLink: [Int64: [ConversationTag]] = [:]
        for slice in linkIDs.sorted().chunks(of: maximumInListBinds) {
            for row in try await database.select().column("link_id").column("tag").from("link_tags")
                .where(SQLIdentifier("link_id"), .in, SQLGroupExpression(slice.map { SQLBind($0) })).orderBy("tag")
                .all()
            {
                tagsByLink[try row.decode(column: "link_id", as: Int64.self), default: []]
                    .append(try ConversationTag(try row.decode(column: "tag", as: String.self)))
            }
        }
        return try rows.map { row in
            try decodeRecord(row, tags: tagsByLink[try row.decode(column: "link_id", as: Int64.self)] ?? [])
        }
    }

    /// The opted-out ones among `addresses`, one query per ``maximumInListBinds`` addresses.
    static func optedOutAddresses(_ addresses: Set<String>, in database: any SQLDatabase) async throws -> Set<String> {
        var optedOut: Set<String> = []
        for slice in addresses.sorted().chunks(of: maximumInListBinds) {
            for row in try await database.select().column("address").from("invitation_opt_outs")
                .where(SQLIdentifier("address"), .in, SQLGroupExpression(slice.map { SQLBind($0) })).all()
            {
                optedOut.insert(try row.decode(column: "address", as: String.self))
            }
        }
        return optedOut
    }

    static func optedOutAddress(_ addresses: [String], in database: any SQLDatabase) async throws -> String? {
        guard !addresses.isEmpty else { return nil }
        let row = try await database.select().column("address").from("invitation_opt_outs")
            .where(SQLIdentifier("address"), .in, SQLGroupExpression(addresses.map { SQLBind($0) })).first()
        return try row?.decode(column: "address", as: String.self)
    }
}
