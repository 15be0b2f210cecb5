import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// The key connect codes are stored under (an HMAC, so a copy of the database cannot be searched for codes).
    var connectCodeKey: SigningKey { settings.signingKey.derived(for: "connect-code") }

    /// **Get the App & Connect**: records a handoff for the link or invitation `target`, bound to its link, its
    /// invitation and its tags, claimable once until `lifetime` is over. Only the digests of its two secrets are
    /// stored; the secrets are returned once.
    /// - Parameter client: who asks (the client's address), counted against ``Throttles/handoffsPerClient``.
    /// - Throws: ``TooManyAttempts``; ``HandoffError/unavailable(_:)`` when the link or invitation does not work.
    public func createHandoff(
        via target: ScannedLink.Target,
        client: String,
        lifetime: TimeInterval = Handoff.defaultLifetime,
        at now: Date = Date()
    ) async throws -> (HandoffSecrets, Handoff) {
        let policy = settings.throttles.handoffsPerClient
        let codeKey = connectCodeKey
        _ = try await transaction { database in
            try await RateCounter.take(
                "handoff:client:\(client)", policy: policy, scope: "handoffs from this address", at: now,
                in: database)
        }
        return try await transaction { database in
            let (resolution, _) = try await Self.resolve(target, at: now, in: database)
            guard case .found(let link, _, let invitation) = resolution else {
                throw HandoffError.unavailable(resolution)
            }
            let tags = invitation?.tags ?? link.tags
            let tagsText = String(decoding: try JSONEncoder().encode(tags.map(\.rawValue)), as: UTF8.self)
            let createdAt = now.storedMilliseconds
            let expiresAt = now.addingTimeInterval(lifetime).storedMilliseconds
            for _ in 0..<Self.maximumMintAttempts {
                let secrets = HandoffSecrets(token: .generate(), code: .generate())
                let rows = try await database.insert(into: "handoffs")
                    .columns(
                        "token_digest", "code_digest", "link_id", "invitation_id", "tags", "created_at", "expires_at"
                    )
                    .values(
                        SQLBind(secrets.token.digest.hex), SQLBind(secrets.code.digest(key: codeKey).hex),
                        SQLBind(link.id.rawValue), SQLBind(invitation?.id.rawValue), SQLBind(tagsText),
                        SQLBind(createdAt), SQLBind(expiresAt)
                    ).ignoringConflicts().returning("id").all()
                guard let row = rows.first else { continue }
                let handoff = Handoff(
                    id: try row.decode(column: "id", as: Int64.self), linkCode: link.code,
                    invitationID: invitation?.id, tags: tags, createdAt: Date(storedMilliseconds: createdAt),
                    expiresAt: Date(storedMilliseconds: expiresAt), claimedAt: nil)
                return (secrets, handoff)
            }
            throw StoreError.noFreeCode(attempts: Self.maximumMintAttempts)
        }
    }

    /// The handoff of `token` and its practice, for the page the universal link shows in a browser; nothing is
    /// claimed.
    /// - Throws: ``HandoffError`` when it is unknown, expired or claimed, or its link no longer works.
    public func handoff(_ token: HandoffToken, at now: Date = Date()) async throws -> (Handoff, ClinicProfile) {
        try await read { database in
            guard
                let row = try await database.select().columns(Self.handoffColumns).from("handoffs")
                    .where("token_digest", .equal, SQLBind(token.digest.hex)).first()
            else { throw HandoffError.unknown }
            let handoff = try await Self.decodeHandoff(row, in: database)
            try Self.checkClaimable(handoff, at: now)
            let (resolution, _) = try await Self.resolve(.practice(handoff.linkCode), at: now, in: database)
            guard case .found(_, let profile, _) = resolution else { throw HandoffError.unavailable(resolution) }
            return (handoff, profile)
        }
    }

    /// The app claims a handoff with its token or connect code, or an invitation with the connect code its
    /// messages show: once. The answer is the practice and the same signed continuation the web signup carries
    /// (with the invitation inside when there is one), which the app's signup or login then spends.
    ///
    /// Every claim counts against the client (``Throttles/handoffClaimsPerClient``, kept even when the claim
    /// fails); a failed claim also counts against everyone's budget (``Throttles/handoffClaimFailures``), which
    /// bounds guessing codes from many addresses. The claim itself is one `UPDATE … WHERE claimed_at IS NULL`,
    /// so of concurrent claims exactly one wins.
    /// - Throws: ``TooManyAttempts``; ``HandoffError``.
    public func claimHandoff(_ secret: HandoffSecret, client: String, at now: Date = Date()) async throws
        -> HandoffClaim
    {
        let throttles = settings.throttles
        let (settings, codeKey) = (self.settings, connectCodeKey)
        let globalKey = "handoff-claim:failures"
        try await transaction { database in
            try await RateCounter.take(
                "handoff-claim:client:\(client)", policy: throttles.handoffClaimsPerClient,
                scope: "handoff claims from this address", at: now, in: database)
            try await RateCounter.take(
                globalKey, policy: throttles.handoffClaimFailures, scope: "failed handoff claims on this service",
                at: now, in: database)
        }
        let claim = try await transaction { database in
            try await Self.claim(secret, codeKey: codeKey, settings: settings, at: now, in: database)
        }
        try await transaction { database in try await RateCounter.giveBack(globalKey, in: database) }
        return claim
    }

    static func claim(
        _ secret: HandoffSecret,
        codeKey: SigningKey,
        settings: StoreSettings,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> HandoffClaim {
        let handoffRow: (any SQLRow)?
        switch secret {
        case .token(let token):
            handoffRow = try await database.select().columns(handoffColumns).from("handoffs")
                .where("token_digest", .equal, SQLBind(token.digest.hex)).first()
        case .code(let code):
            handoffRow = try await database.select().columns(handoffColumns).from("handoffs")
                .where("code_digest", .equal, SQLBind(code.digest(key: codeKey).hex)).first()
        }
        let continuation: SignupContinuation
        if let handoffRow {
            let handoff = try await decodeHandoff(handoffRow, in: database)
            try checkClaimable(handoff, at: now)
            let claimed = try await database.update("handoffs").set("claimed_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(handoff.id)).where("claimed_at", .is, SQLLiteral.null)
                .returning("id").all()
            guard !claimed.isEmpty else { throw HandoffError.alreadyClaimed }
            var digest: String?
            if let invitationID = handoff.invitationID {
                digest = try await database.select().column("token_digest").from("invitations")
                    .where("id", .equal, SQLBind(invitationID.rawValue)).first()?
                    .decode(column: "token_digest", as: String.self)
            }
            continuation = SignupContinuation(code: handoff.linkCode, tags: handoff.tags, invitationDigest: digest)
        } else {
            guard case .code(let code) = secret else { throw HandoffError.unknown }
            continuation = try await claimInvitationCode(code, codeKey: codeKey, at: now, in: database)
        }
        let resolution = try await resolve(continuation, at: now, in: database)
        guard case .found(let link, let profile, _) = resolution else { throw HandoffError.unavailable(resolution) }
        let signed = try SignedValue.sign(
            continuation, purpose: SignupContinuation.purpose, key: settings.signingKey,
            lifetime: SignupContinuation.lifetime, at: now)
        return HandoffClaim(
            code: link.code, profile: profile, continuation: signed, isInvitation: continuation.invitationDigest != nil)
    }

    /// Claims the connect code an invitation's messages show: once, while the invitation is pending.
    static func claimInvitationCode(
        _ code: ConnectCode,
        codeKey: SigningKey,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> SignupContinuation {
        guard
            let row = try await database.select().columns("token_digest", "code_claimed_at").from("invitations")
                .where("connect_code_digest", .equal, SQLBind(code.digest(key: codeKey).hex))
                .orderBy("id", .descending).first()
        else { throw HandoffError.unknown }
        let digest = TokenDigest(hex: try row.decode(column: "token_digest", as: String.self))
        guard let invitation = try await invitation(digest: digest, in: database) else { throw HandoffError.unknown }
        switch invitation.state(at: now) {
        case .pending: break
        case .expired: throw HandoffError.expired
        case let state: throw HandoffError.unavailable(resolution(for: state))
        }
        guard try row.decode(column: "code_claimed_at", as: Int64?.self) == nil else {
            throw HandoffError.alreadyClaimed
        }
        let claimed = try await database.update("invitations")
            .set("code_claimed_at", to: SQLBind(now.storedMilliseconds))
            .where("id", .equal, SQLBind(invitation.id.rawValue)).where("code_claimed_at", .is, SQLLiteral.null)
            .returning("id").all()
        guard !claimed.isEmpty else { throw HandoffError.alreadyClaimed }
        guard let link = try await link(id: invitation.linkID, in: database) else { throw HandoffError.unknown }
        return SignupContinuation(code: link.code, tags: invitation.tags, invitationDigest: digest.hex)
    }

    /// Deletes handoffs that expired before `cutoff`, claimed or not, at most `limit` rows per call.
    /// - Returns: how many rows were deleted.
    @discardableResult
    public func pruneHandoffs(endedBefore cutoff: Date, limit: Int = 1_000) async throws -> Int {
        try await transaction { database in
            try await database.raw(
                """
                DELETE FROM handoffs WHERE id IN (
                  SELECT id FROM handoffs WHERE expires_at < \(bind: cutoff.storedMilliseconds)
                  LIMIT \(literal: max(1, limit)))
                RETURNING id
                """
            ).all().count
        }
    }

    static func checkClaimable(_ handoff: Handoff, at now: Date) throws(HandoffError) {
        if handoff.claimedAt != nil { throw .alreadyClaimed }
        if handoff.expiresAt <= now { throw .expired }
    }

    static let handoffColumns = [
        "id", "link_id", "invitation_id", "tags", "created_at", "expires_at", "claimed_at",
    ]

    static func decodeHandoff(_ row: any SQLRow, in database: any SQLDatabase) async throws -> Handoff {
        let linkID = LinkID(rawValue: try row.decode(column: "link_id", as: Int64.self))
        guard let link = try await link(id: linkID, in: database) else {
            throw StoreError.corruptRow(table: "handoffs", reason: "its link is missing")
        }
        let tagsText = try row.decode(column: "tags", as: String.self)
        let tags = try JSONDecoder().decode([String].self, from: Data(tagsText.utf8)).map { try ConversationTag($0) }
        return Handoff(
            id: try row.decode(column: "id", as: Int64.self), linkCode: link.code,
            invitationID: try row.decode(column: "invitation_id", as: Int64?.self).map(InvitationID.init(rawValue:)),
            tags: tags, createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)),
            expiresAt: Date(storedMilliseconds: try row.decode(column: "expires_at", as: Int64.self)),
            claimedAt: try row.decode(column: "claimed_at", as: Int64?.self).map(Date.init(storedMilliseconds:)))
    }
}
