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
    /// Records the invitation of `recipient` through the active link `code`, unless they opted out or already
    /// hold a still-valid invitation to the same practice (matched by email or phone).
    ///
    /// The invitation is recorded **before** it is delivered, and ``markDelivered(_:channel:at:)`` marks it after:
    /// a run that stops in between finds it again as ``InvitationPreparation/undelivered(_:)``.
    /// - Parameters:
    ///   - channels: where it is to be delivered; each must have the matching address in `recipient`.
    ///   - invitedBy: who is sending it.
    ///   - resend: revoke a still-valid delivered invitation and make a new one, in the same transaction.
    /// - Throws: ``StoreError`` when the link is unknown or disabled or the input is incomplete.
    public func prepareInvitation(
        link code: LinkCode,
        recipient: InvitationRecipient,
        channels: [InvitationChannel],
        invitedBy: String?,
        resend: Bool = false,
        lifetime: TimeInterval = Invitation.defaultLifetime,
        at now: Date = Date()
    ) async throws -> InvitationPreparation {
        try Self.checkRequest(InvitationRequest(recipient: recipient, channels: channels), lifetime: lifetime)
        return try await transaction { database in
            guard let link = try await Self.link(code: code, in: database) else { throw StoreError.linkNotFound }
            return try await Self.prepare(
                InvitationRequest(recipient: recipient, channels: channels), link: link, invitedBy: invitedBy,
                resend: resend, lifetime: lifetime, at: now, in: database)
        }
    }

    /// ``prepareInvitation(link:recipient:channels:invitedBy:resend:lifetime:at:)`` for many recipients in **one**
    /// transaction (the batch path: one commit per chunk instead of one per recipient).
    ///
    /// The requests are decided in order, each seeing the ones before it: a second request for a recipient recorded
    /// earlier in the same call gets ``InvitationPreparation/undelivered(_:)`` with that invitation.
    /// - Returns: one result per request, in order; a request with incomplete input fails alone.
    /// - Throws: ``StoreError`` when the link is unknown or disabled (nothing is recorded), or the engine's error.
    public func prepareInvitations(
        link code: LinkCode,
        requests: [InvitationRequest],
        invitedBy: String?,
        resend: Bool = false,
        lifetime: TimeInterval = Invitation.defaultLifetime,
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
        return try await transaction { database in
            guard let link = try await Self.link(code: code, in: database) else { throw StoreError.linkNotFound }
            var results: [Result<InvitationPreparation, StoreError>] = []
            results.reserveCapacity(requests.count)
            for (request, problem) in zip(requests, problems) {
                if let problem {
                    results.append(.failure(problem))
                    continue
                }
                results.append(.success(try await Self.prepare(
                    request, link: link, invitedBy: invitedBy, resend: resend, lifetime: lifetime, at: now,
                    in: database)))
            }
            return results
        }
    }

    static func checkRequest(_ request: InvitationRequest, lifetime: TimeInterval) throws(StoreError) {
        let (recipient, channels) = (request.recipient, request.channels)
        guard !channels.isEmpty else { throw StoreError.invalidInput(field: "channels", rule: "needs email or text") }
        if channels.contains(.email), recipient.email?.isEmpty != false {
            throw StoreError.invalidInput(field: "email", rule: "is needed to invite by email")
        }
        if channels.contains(.text), recipient.phone?.isEmpty != false {
            throw StoreError.invalidInput(field: "phone", rule: "is needed to invite by text")
        }
        guard lifetime > 0 else { throw StoreError.invalidInput(field: "lifetime", rule: "must be positive") }
    }

    /// One recipient's decision, inside the caller's transaction.
    static func prepare(
        _ request: InvitationRequest,
        link: PracticeLink,
        invitedBy: String?,
        resend: Bool,
        lifetime: TimeInterval,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> InvitationPreparation {
        let (recipient, channels) = (request.recipient, request.channels)
        let addresses = [recipient.email, recipient.phone].compactMap { $0 }
        if let address = try await Self.optedOutAddress(addresses, in: database) {
            return .optedOut(address: address)
        }
        guard link.status == .active else {
            throw StoreError.invalidInput(field: "link", rule: "is disabled; invitations need an active link")
        }
        if let existing = try await Self.validInvitation(
            organizationID: link.organizationID, recipient: recipient, at: now, in: database)
        {
            if !existing.channels.isEmpty && !existing.undeliveredChannels.isEmpty { return .undelivered(existing) }
            guard resend else { return .alreadyInvited(existing) }
            try await database.update("invitations").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(existing.invitation.id.rawValue)).run()
        }
        for _ in 0..<Self.maximumMintAttempts {
            let token = InvitationToken.generate()
            let expiresAt = now.addingTimeInterval(lifetime)
            let row = try await database.insert(into: "invitations")
                .columns(
                    "token_digest", "link_id", "organization_id", "recipient_name", "recipient_email",
                    "recipient_phone", "created_at", "expires_at", "invited_by", "channels"
                )
                .values(
                    SQLBind(token.digest.hex), SQLBind(link.id.rawValue), SQLBind(link.organizationID.rawValue),
                    SQLBind(recipient.name), SQLBind(recipient.email), SQLBind(recipient.phone),
                    SQLBind(now.storedMilliseconds), SQLBind(expiresAt.storedMilliseconds), SQLBind(invitedBy),
                    SQLBind(Self.encodeChannels(channels))
                )
                .ignoringConflicts(with: "token_digest")
                .returning("id")
                .first()
            guard let row else { continue }
            let invitation = Invitation(
                id: InvitationID(rawValue: try row.decode(column: "id", as: Int64.self)),
                tokenDigest: token.digest, linkID: link.id, organizationID: link.organizationID,
                recipient: recipient, tags: link.tags,
                createdAt: Date(storedMilliseconds: now.storedMilliseconds),
                expiresAt: Date(storedMilliseconds: expiresAt.storedMilliseconds)
            )
            return .created(InvitationRecord(invitation: invitation, invitedBy: invitedBy, channels: channels), token)
        }
        throw StoreError.noFreeCode(attempts: Self.maximumMintAttempts)
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
        try await transaction { database in
            for _ in 0..<Self.maximumMintAttempts {
                let token = InvitationToken.generate()
                if try await database.select().column("id").from("invitations")
                    .where("token_digest", .equal, SQLBind(token.digest.hex)).first() != nil
                {
                    continue
                }
                var update = database.update("invitations").set("token_digest", to: SQLBind(token.digest.hex))
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

    /// Records that the invitation reached its recipient on `channel` (the first time counts).
    public func markDelivered(_ id: InvitationID, channel: InvitationChannel, at now: Date = Date()) async throws {
        let column = channel == .email ? "email_delivered_at" : "text_delivered_at"
        try await transaction { database in
            try await database.update("invitations").set(SQLIdentifier(column), to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(id.rawValue)).where(SQLIdentifier(column), .is, SQLLiteral.null).run()
        }
    }

    /// ``markDelivered(_:channel:at:)`` for many deliveries in **one** transaction (the batch path).
    public func markDelivered(_ deliveries: [OutboxIndex.Key], at now: Date = Date()) async throws {
        guard !deliveries.isEmpty else { return }
        try await transaction { database in
            for delivery in deliveries {
                let column = delivery.channel == .email ? "email_delivered_at" : "text_delivered_at"
                try await database.update("invitations")
                    .set(SQLIdentifier(column), to: SQLBind(now.storedMilliseconds))
                    .where("id", .equal, SQLBind(delivery.invitationID.rawValue))
                    .where(SQLIdentifier(column), .is, SQLLiteral.null).run()
            }
        }
    }

    /// Pending, delivered, never-reminded invitations made at or before `createdBefore`, oldest first.
    public func invitationsDueForReminder(
        organizationID: OrganizationID? = nil,
        createdBefore: Date,
        at now: Date = Date()
    ) async throws -> [InvitationRecord] {
        try await read { database in
            var query = database.select().columns(Self.recordColumns).from("invitations")
                .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
                .where("reminded_at", .is, SQLLiteral.null).where("channels", .isNot, SQLLiteral.null)
                .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
                .where("created_at", .lessThanOrEqual, SQLBind(createdBefore.storedMilliseconds))
            if let organizationID { query = query.where("organization_id", .equal, SQLBind(organizationID.rawValue)) }
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
            let revoked = try await database.update("invitations").set("revoked_at", to: SQLBind(now.storedMilliseconds))
                .where("revoked_at", .is, SQLLiteral.null).where("used_at", .is, SQLLiteral.null)
                .where {
                    $0.where("recipient_email", .equal, SQLBind(address))
                        .orWhere("recipient_phone", .equal, SQLBind(address))
                }
                .returning("id").all()
            return revoked.count
        }
    }

    /// Whether `address` opted out.
    public func isOptedOut(_ address: String) async throws -> Bool {
        try await read { database in try await Self.optedOutAddress([address], in: database) != nil }
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

    /// The invitation with `id` and its delivery state, or `nil`.
    public func invitationRecord(id: InvitationID) async throws -> InvitationRecord? {
        try await read { database in
            guard let row = try await database.select().columns(Self.recordColumns).from("invitations")
                .where("id", .equal, SQLBind(id.rawValue)).first()
            else { return nil }
            return try await Self.decodeRecord(row, in: database)
        }
    }

    static let recordColumns =
        invitationColumns + ["invited_by", "channels", "email_delivered_at", "text_delivered_at", "reminded_at"]

    static func encodeChannels(_ channels: [InvitationChannel]) -> String {
        Array(Set(channels)).sorted().map(\.rawValue).joined(separator: ",")
    }

    static func decodeRecord(_ row: any SQLRow, in database: any SQLDatabase) async throws -> InvitationRecord {
        let invitation = try await decodeInvitation(row, in: database)
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

    static func validInvitation(
        organizationID: OrganizationID,
        recipient: InvitationRecipient,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> InvitationRecord? {
        let row = try await database.select().columns(recordColumns).from("invitations")
            .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            .where("used_at", .is, SQLLiteral.null).where("revoked_at", .is, SQLLiteral.null)
            .where("expires_at", .greaterThan, SQLBind(now.storedMilliseconds))
            .where {
                var group = $0
                if let email = recipient.email { group = group.orWhere("recipient_email", .equal, SQLBind(email)) }
                if let phone = recipient.phone { group = group.orWhere("recipient_phone", .equal, SQLBind(phone)) }
                return group
            }
            .orderBy("id", .descending).first()
        guard let row else { return nil }
        return try await decodeRecord(row, in: database)
    }

    static func optedOutAddress(_ addresses: [String], in database: any SQLDatabase) async throws -> String? {
        guard !addresses.isEmpty else { return nil }
        let row = try await database.select().column("address").from("invitation_opt_outs")
            .where(SQLIdentifier("address"), .in, SQLGroupExpression(addresses.map { SQLBind($0) })).first()
        return try row?.decode(column: "address", as: String.self)
    }
}
