import Foundation
import SQLKit
import SpruceCore

/// A participant of a conversation, with the name others see.
struct Participant: Sendable, Equatable {
    enum Party: Sendable, Equatable {
        case organization(OrganizationID)
        case patient(PatientID)
    }

    let party: Party
    let name: String
}

extension SpruceStore {
    /// The next number of the activity sequence that orders every inbox (no two activities share one).
    static func nextActivity(in database: any SQLDatabase) async throws -> Int64 {
        guard
            let row = try await database.update("counters").set(SQLIdentifier("value"), to: SQLRaw("value + 1"))
                .where("name", .equal, SQLBind("activity")).returning("value").first()
        else { throw StoreError.corruptRow(table: "counters", reason: "activity counter missing") }
        return try row.decode(column: "value", as: Int64.self)
    }

    /// Creates the conversation with `key` or returns the existing one. The unique index on the key settles
    /// races: of two concurrent callers one inserts, the other gets nothing back and reads the winner's row.
    static func ensureConversation(
        kind: ConversationKind,
        key: String,
        linkID: LinkID?,
        organizations: [OrganizationID],
        patients: [PatientID],
        tags: [ConversationTag],
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> (ConversationID, isNew: Bool) {
        let activity = try await nextActivity(in: database)
        let inserted = try await database.insert(into: "conversations")
            .columns("kind", "conversation_key", "link_id", "created_at", "last_activity_at", "activity")
            .values(
                SQLBind(kind.rawValue), SQLBind(key), SQLBind(linkID?.rawValue), SQLBind(now.storedMilliseconds),
                SQLBind(now.storedMilliseconds), SQLBind(activity)
            )
            .ignoringConflicts(with: "conversation_key").returning("id").first()
        guard let inserted else {
            guard
                let existing = try await database.select().column("id").from("conversations")
                    .where("conversation_key", .equal, SQLBind(key)).first()
            else { throw StoreError.corruptRow(table: "conversations", reason: "conversation vanished during connect") }
            return (ConversationID(rawValue: try existing.decode(column: "id", as: Int64.self)), false)
        }
        let id = ConversationID(rawValue: try inserted.decode(column: "id", as: Int64.self))
        for organization in organizations {
            try await database.insert(into: "conversation_participants").columns("conversation_id", "organization_id")
                .values(SQLBind(id.rawValue), SQLBind(organization.rawValue)).run()
        }
        for patient in patients {
            try await database.insert(into: "conversation_participants").columns("conversation_id", "patient_id")
                .values(SQLBind(id.rawValue), SQLBind(patient.rawValue)).run()
        }
        for tag in Set(tags) {
            try await database.insert(into: "conversation_tags").columns("conversation_id", "tag")
                .values(SQLBind(id.rawValue), SQLBind(tag.rawValue)).run()
        }
        return (id, true)
    }

    /// Adds a contact unless the organization has it already. - Returns: whether it was new.
    @discardableResult
    static func addContact(
        to organizationID: OrganizationID,
        kind: ContactKind,
        patient: PatientID? = nil,
        otherOrganization: OrganizationID? = nil,
        displayName: String,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Bool {
        let rows = try await database.insert(into: "contacts")
            .columns("organization_id", "kind", "patient_id", "other_organization_id", "display_name", "created_at")
            .values(
                SQLBind(organizationID.rawValue), SQLBind(kind.rawValue), SQLBind(patient?.rawValue),
                SQLBind(otherOrganization?.rawValue), SQLBind(displayName), SQLBind(now.storedMilliseconds)
            )
            .ignoringConflicts().returning("id").all()
        return !rows.isEmpty
    }

    /// Stores an alert for every member of `organizationID` with notifications on, except `excluding`.
    static func alertMembers(
        of organizationID: OrganizationID,
        _ message: AlertMessage,
        conversationID: ConversationID?,
        excluding: MemberID? = nil,
        at now: Date,
        in database: any SQLDatabase
    ) async throws {
        let recipients = try await database.select().column("id").from("members")
            .where("organization_id", .equal, SQLBind(organizationID.rawValue))
            .where("notifications_on", .equal, SQLBind(true)).where("removed_at", .is, SQLLiteral.null).all()
            .map { try $0.decode(column: "id", as: Int64.self) }
            .filter { $0 != excluding?.rawValue }
        guard !recipients.isEmpty else { return }
        var insert = database.insert(into: "alerts").columns(
            "member_id", "kind", "text", "conversation_id", "created_at")
        for member in recipients {
            insert = insert.values(
                SQLBind(member), SQLBind(message.kind.rawValue), SQLBind(message.text),
                SQLBind(conversationID?.rawValue),
                SQLBind(now.storedMilliseconds)
            )
        }
        try await insert.run()
    }

    /// The acting member, checked against the database: it must exist and belong to the organization it claims.
    static func actingMember(_ identity: Identity, in database: any SQLDatabase) async throws -> Member {
        guard case .member(let memberID, let organizationID) = identity else {
            throw MessagingError.forbidden("only members of a clinic can do this")
        }
        guard let member = try await member(id: memberID, in: database), member.organizationID == organizationID else {
            throw MessagingError.forbidden("only members of a clinic can do this")
        }
        return member
    }

    static func actingPatient(_ identity: Identity, in database: any SQLDatabase) async throws -> Patient {
        guard case .patient(let patientID) = identity, let patient = try await patient(id: patientID, in: database)
        else { throw MessagingError.forbidden("only patients can do this") }
        return patient
    }

    /// Throws ``MessagingError/notFound`` unless `identity` takes part in the conversation: the same error
    /// for a conversation that exists and one that does not.
    static func checkParticipant(
        _ identity: Identity,
        in conversationID: ConversationID,
        database: any SQLDatabase
    ) async throws {
        let query = database.select().column("conversation_id").from("conversation_participants")
            .where("conversation_id", .equal, SQLBind(conversationID.rawValue))
        switch identity {
        case .anonymous:
            throw MessagingError.notFound
        case .member(let memberID, let organizationID):
            guard let member = try await member(id: memberID, in: database), member.organizationID == organizationID,
                try await query.where("organization_id", .equal, SQLBind(organizationID.rawValue)).first() != nil
            else { throw MessagingError.notFound }
        case .patient(let patientID):
            guard try await query.where("patient_id", .equal, SQLBind(patientID.rawValue)).first() != nil else {
                throw MessagingError.notFound
            }
        }
    }

    /// Sends a message and moves the conversation to the top of every participant's inbox.
    /// Each sender may send ``Throttles/messagesPerSender`` messages per window, across all conversations.
    /// - Throws: ``MessagingError`` for an empty or too long body, control characters, or a conversation the
    ///   identity is not in; ``TooManyAttempts`` past the sender's rate.
    public func sendMessage(
        as identity: Identity, to conversationID: ConversationID, body: String, at now: Date = Date()
    )
        async throws -> Message
    {
        let body = try Message.validatedBody(body)
        let policy = settings.throttles.messagesPerSender
        return try await transaction { database in
            try await Self.checkParticipant(identity, in: conversationID, database: database)
            let sender: String
            switch identity {
            case .member(let memberID, _): sender = "member:\(memberID)"
            case .patient(let patientID): sender = "patient:\(patientID)"
            case .anonymous: throw MessagingError.notFound
            }
            try await RateCounter.take(
                "message:\(sender)", policy: policy, scope: "messages from this account", at: now, in: database)
            let author: (name: String, organization: OrganizationID?, member: MemberID?, patient: PatientID?)
            switch identity {
            case .member(let memberID, let organizationID):
                let member = try await Self.actingMember(identity, in: database)
                author = (member.name, organizationID, memberID, nil)
            case .patient(let patientID):
                let patient = try await Self.actingPatient(identity, in: database)
                author = (patient.name, nil, nil, patientID)
            case .anonymous:
                throw MessagingError.notFound
            }
            let row = try await database.insert(into: "messages")
                .columns("conversation_id", "author_member_id", "author_patient_id", "body", "created_at")
                .values(
                    SQLBind(conversationID.rawValue), SQLBind(author.member?.rawValue),
                    SQLBind(author.patient?.rawValue),
                    SQLBind(body), SQLBind(now.storedMilliseconds)
                )
                .returning("id").first()
            guard let row else { throw StoreError.corruptRow(table: "messages", reason: "insert returned no id") }
            let activity = try await Self.nextActivity(in: database)
            try await database.update("conversations")
                .set("activity", to: SQLBind(activity)).set("last_activity_at", to: SQLBind(now.storedMilliseconds))
                .where("id", .equal, SQLBind(conversationID.rawValue)).run()
            for participant in try await Self.participants(of: conversationID, in: database) {
                guard case .organization(let organizationID) = participant.party, organizationID != author.organization
                else { continue }
                try await Self.alertMembers(
                    of: organizationID, .messageReceived(from: author.name), conversationID: conversationID, at: now,
                    in: database
                )
            }
            return Message(
                id: try row.decode(column: "id", as: Int64.self), conversationID: conversationID,
                authorName: author.name,
                authorOrganizationID: author.organization, body: body,
                createdAt: Date(storedMilliseconds: now.storedMilliseconds)
            )
        }
    }

    /// A page of an organization's inbox for one of its members, newest activity first.
    /// - Parameters:
    ///   - filter: every conversation, or only those with another clinic ("Clinics on Spruce").
    ///   - cursor: where the previous page ended; `nil` for the first page.
    ///   - limit: entries per page, 1 to 100.
    public func inbox(
        as identity: Identity,
        filter: InboxFilter = .all,
        after cursor: InboxCursor? = nil,
        limit: Int = InboxPageSize.standard.count
    ) async throws -> InboxPage {
        let limit = min(max(limit, 1), 100)
        return try await read { database in
            let member = try await Self.actingMember(identity, in: database)
            return try await Self.inboxPage(
                of: member.organizationID, filter: filter, after: cursor, limit: limit, in: database)
        }
    }

    /// One page of the conversations `organizationID` takes part in, newest activity first, named from its side.
    static func inboxPage(
        of organizationID: OrganizationID,
        filter: InboxFilter,
        after cursor: InboxCursor?,
        limit: Int,
        in database: any SQLDatabase
    ) async throws -> InboxPage {
        var query = database.select()
            .column(SQLColumn("id", table: "conversations")).column(SQLColumn("activity", table: "conversations"))
            .from("conversations")
            .join(
                "conversation_participants", on: SQLColumn("conversation_id", table: "conversation_participants"),
                .equal, SQLColumn("id", table: "conversations")
            )
            .where(
                SQLColumn("organization_id", table: "conversation_participants"), .equal,
                SQLBind(organizationID.rawValue)
            )
        if filter == .clinics {
            query = query.where(
                SQLColumn("kind", table: "conversations"), .in,
                SQLGroupExpression([
                    SQLBind(ConversationKind.clinic.rawValue), SQLBind(ConversationKind.group.rawValue),
                ])
            )
        }
        if let cursor {
            query = query.where(SQLColumn("activity", table: "conversations"), .lessThan, SQLBind(cursor.activity))
        }
        let rows = try await query.orderBy(SQLColumn("activity", table: "conversations"), SQLDirection.descending)
            .limit(limit + 1).all()
        var entries: [InboxEntry] = []
        var lastActivity: Int64 = 0
        for row in rows.prefix(limit) {
            let id = ConversationID(rawValue: try row.decode(column: "id", as: Int64.self))
            lastActivity = try row.decode(column: "activity", as: Int64.self)
            entries.append(try await Self.entry(for: id, viewer: .organization(organizationID), in: database))
        }
        return InboxPage(entries: entries, nextCursor: rows.count > limit ? InboxCursor(activity: lastActivity) : nil)
    }

    /// A conversation and one page of its messages, oldest first, for a participant: the newest `limit`
    /// messages, or those before `before` (a page's ``ConversationThread/earlierCursor``). The page and every
    /// message's author come from one query, whatever the number of messages.
    /// - Throws: ``MessagingError/notFound`` for a conversation the identity is not in, existing or not.
    public func thread(
        as identity: Identity,
        id conversationID: ConversationID,
        before: Int64? = nil,
        limit: Int = ConversationThread.pageSize
    ) async throws -> ConversationThread {
        let limit = min(max(limit, 1), 200)
        return try await read { database in
            try await Self.checkParticipant(identity, in: conversationID, database: database)
            let viewer: Participant.Party
            switch identity {
            case .member(_, let organizationID): viewer = .organization(organizationID)
            case .patient(let patientID): viewer = .patient(patientID)
            case .anonymous: throw MessagingError.notFound
            }
            let entry = try await Self.entry(for: conversationID, viewer: viewer, in: database)
            let rows = try await Self.messagePage(of: conversationID, before: before, limit: limit + 1, in: database)
            let page = rows.prefix(limit)
            let messages = try page.reversed().map { row in
                Message(
                    id: try row.decode(column: "id", as: Int64.self), conversationID: conversationID,
                    authorName: try row.decode(column: "member_name", as: String?.self)
                        ?? row.decode(column: "patient_name", as: String?.self) ?? "Unknown",
                    authorOrganizationID: try row.decode(column: "member_organization_id", as: Int64?.self)
                        .map(OrganizationID.init(rawValue:)),
                    body: try row.decode(column: "body", as: String.self),
                    createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self)))
            }
            return ConversationThread(
                entry: entry, messages: messages, earlierCursor: rows.count > limit ? messages.first?.id : nil)
        }
    }

    /// A patient's conversations, each its own thread, newest activity first.
    public func patientConversations(as identity: Identity) async throws -> [InboxEntry] {
        try await read { database in try await Self.patientConversations(as: identity, in: database) }
    }

    static func patientConversations(as identity: Identity, in database: any SQLDatabase) async throws
        -> [InboxEntry]
    {
        let patient = try await Self.actingPatient(identity, in: database)
        let rows = try await database.select().column(SQLColumn("id", table: "conversations")).from("conversations")
            .join(
                "conversation_participants", on: SQLColumn("conversation_id", table: "conversation_participants"),
                .equal, SQLColumn("id", table: "conversations")
            )
            .where(
                SQLColumn("patient_id", table: "conversation_participants"), .equal, SQLBind(patient.id.rawValue)
            )
            .orderBy(SQLColumn("activity", table: "conversations"), SQLDirection.descending).all()
        var entries: [InboxEntry] = []
        for row in rows {
            let id = ConversationID(rawValue: try row.decode(column: "id", as: Int64.self))
            entries.append(try await Self.entry(for: id, viewer: .patient(patient.id), in: database))
        }
        return entries
    }

    /// **Get Care**: the practices and clinics a patient is connected to, with their public profiles.
    public func getCare(as identity: Identity) async throws -> [Organization] {
        try await read { database in try await Self.getCare(as: identity, in: database) }
    }

    static func getCare(as identity: Identity, in database: any SQLDatabase) async throws -> [Organization] {
        let patient = try await Self.actingPatient(identity, in: database)
        let rows = try await database.select().column("organization_id").from("contacts")
            .where("patient_id", .equal, SQLBind(patient.id.rawValue)).orderBy("id").all()
        var organizations: [Organization] = []
        for row in rows {
            let id = OrganizationID(rawValue: try row.decode(column: "organization_id", as: Int64.self))
            if let organization = try await Self.organization(id: id, in: database) {
                organizations.append(organization)
            }
        }
        return organizations
    }

    /// A member's alerts, newest first.
    public func alerts(as identity: Identity, limit: Int = 50) async throws -> [Alert] {
        try await read { database in try await Self.alerts(as: identity, limit: limit, in: database) }
    }

    static func alerts(as identity: Identity, limit: Int, in database: any SQLDatabase) async throws -> [Alert] {
        let member = try await Self.actingMember(identity, in: database)
        return try await database.select().columns(
            "id", "member_id", "kind", "text", "conversation_id", "created_at"
        )
        .from("alerts").where("member_id", .equal, SQLBind(member.id.rawValue))
        .orderBy("id", .descending).limit(min(max(limit, 1), 500)).all()
        .map { row in
            let kindText = try row.decode(column: "kind", as: String.self)
            guard let kind = Alert.Kind(rawValue: kindText) else {
                throw StoreError.corruptRow(table: "alerts", reason: "unknown kind \(kindText)")
            }
            return Alert(
                id: try row.decode(column: "id", as: Int64.self), memberID: member.id, kind: kind,
                text: try row.decode(column: "text", as: String.self),
                conversationID: try row.decode(column: "conversation_id", as: Int64?.self)
                    .map(ConversationID.init(rawValue:)),
                createdAt: Date(storedMilliseconds: try row.decode(column: "created_at", as: Int64.self))
            )
        }
    }

    /// An organization's contacts, for one of its members.
    public func contacts(as identity: Identity) async throws -> [Contact] {
        try await read { database in try await Self.contacts(as: identity, in: database) }
    }

    static func contacts(as identity: Identity, in database: any SQLDatabase) async throws -> [Contact] {
        let member = try await Self.actingMember(identity, in: database)
        return try await database.select()
            .columns("kind", "patient_id", "other_organization_id", "display_name").from("contacts")
            .where("organization_id", .equal, SQLBind(member.organizationID.rawValue)).orderBy("id").all()
            .map { row in
                let kindText = try row.decode(column: "kind", as: String.self)
                guard let kind = ContactKind(rawValue: kindText) else {
                    throw StoreError.corruptRow(table: "contacts", reason: "unknown kind \(kindText)")
                }
                return Contact(
                    kind: kind, displayName: try row.decode(column: "display_name", as: String.self),
                    patientID: try row.decode(column: "patient_id", as: Int64?.self).map(PatientID.init(rawValue:)),
                    organizationID: try row.decode(column: "other_organization_id", as: Int64?.self)
                        .map(OrganizationID.init(rawValue:))
                )
            }
    }

    static func participants(of conversationID: ConversationID, in database: any SQLDatabase) async throws
        -> [Participant]
    {
        let rows = try await database.select().columns("organization_id", "patient_id").from(
            "conversation_participants"
        )
        .where("conversation_id", .equal, SQLBind(conversationID.rawValue)).all()
        var participants: [Participant] = []
        for row in rows {
            if let organizationID = try row.decode(column: "organization_id", as: Int64?.self).map(
                OrganizationID.init(rawValue:))
            {
                let name = try await organization(id: organizationID, in: database)?.profile.displayName ?? "Clinic"
                participants.append(Participant(party: .organization(organizationID), name: name))
            } else if let patientID = try row.decode(column: "patient_id", as: Int64?.self).map(
                PatientID.init(rawValue:))
            {
                let name = try await patient(id: patientID, in: database)?.name ?? "Patient"
                participants.append(Participant(party: .patient(patientID), name: name))
            }
        }
        return participants
    }

    /// How a conversation appears to `viewer`: named after the others in it.
    static func entry(
        for conversationID: ConversationID,
        viewer: Participant.Party,
        in database: any SQLDatabase
    ) async throws -> InboxEntry {
        guard
            let row = try await database.select().columns("kind", "last_activity_at").from("conversations")
                .where("id", .equal, SQLBind(conversationID.rawValue)).first()
        else { throw MessagingError.notFound }
        let kindText = try row.decode(column: "kind", as: String.self)
        guard let kind = ConversationKind(rawValue: kindText) else {
            throw StoreError.corruptRow(table: "conversations", reason: "unknown kind \(kindText)")
        }
        let others = try await participants(of: conversationID, in: database).filter { $0.party != viewer }
        let organizations = others.filter { if case .organization = $0.party { true } else { false } }.map(\.name)
        let patients = others.filter { if case .patient = $0.party { true } else { false } }.map(\.name)
        let title = (organizations.sorted() + patients).joined(separator: " · ")
        let tags = try await database.select().column("tag").from("conversation_tags")
            .where("conversation_id", .equal, SQLBind(conversationID.rawValue)).orderBy("tag").all()
            .map { try ConversationTag(try $0.decode(column: "tag", as: String.self)) }
        let last = try await database.select().column("body").from("messages")
            .where("conversation_id", .equal, SQLBind(conversationID.rawValue)).orderBy("id", .descending).limit(1)
            .first()
        return InboxEntry(
            conversationID: conversationID, kind: kind, title: title, tags: tags,
            lastActivityAt: Date(storedMilliseconds: try row.decode(column: "last_activity_at", as: Int64.self)),
            lastMessage: try last?.decode(column: "body", as: String.self)
        )
    }

    /// Up to `limit` messages of a conversation, newest first, before the message `before`, each with its author
    /// (a member's name and organization, or a patient's name) joined in: one statement.
    static func messagePage(
        of conversationID: ConversationID, before: Int64?, limit: Int, in database: any SQLDatabase
    ) async throws -> [any SQLRow] {
        var query = database.select()
            .column(SQLColumn("id", table: "messages")).column(SQLColumn("body", table: "messages"))
            .column(SQLColumn("created_at", table: "messages"))
            .column(SQLColumn("name", table: "members"), as: "member_name")
            .column(SQLColumn("organization_id", table: "members"), as: "member_organization_id")
            .column(SQLColumn("name", table: "patients"), as: "patient_name")
            .from("messages")
            .join(
                "members", method: SQLJoinMethod.left, on: SQLColumn("id", table: "members"), .equal,
                SQLColumn("author_member_id", table: "messages")
            )
            .join(
                "patients", method: SQLJoinMethod.left, on: SQLColumn("id", table: "patients"), .equal,
                SQLColumn("author_patient_id", table: "messages")
            )
            .where(SQLColumn("conversation_id", table: "messages"), .equal, SQLBind(conversationID.rawValue))
        if let before { query = query.where(SQLColumn("id", table: "messages"), .lessThan, SQLBind(before)) }
        return try await query.orderBy(SQLColumn("id", table: "messages"), SQLDirection.descending).limit(limit).all()
    }
}
