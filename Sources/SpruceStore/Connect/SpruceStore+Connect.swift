import Foundation
import SQLKit
import SpruceCore

extension SpruceStore {
    /// Opens a practice or invitation link as `visitor` (docs/ARCHITECTURE.md, "Connect"): the one entry point of
    /// the connect flow.
    ///
    /// Everything it writes happens in one transaction. Connecting is idempotent: the conversation for a
    /// (patient, practice) or (clinic, clinic) pair is unique in the database, so any number of concurrent
    /// calls yield one conversation, which every caller gets.
    /// - Parameter rateKey: who to count the request against when the visitor is anonymous (e.g. the client IP).
    /// - Throws: ``TooManyAttempts`` past the configured caps (``Throttles``).
    public func connect(
        visitor: Visitor,
        via target: ScannedLink.Target,
        rateKey: String = "anonymous",
        at now: Date = Date()
    ) async throws -> ConnectOutcome {
        let settings = self.settings
        return try await transaction { database in
            let (resolution, digest) = try await Self.resolve(target, at: now, in: database)
            try await Self.countConnectRequest(
                visitor: visitor, rateKey: rateKey, resolution: resolution,
                throttles: settings.throttles, at: now, in: database)
            return try await Self.carryOut(
                visitor: visitor, resolution: resolution, invitationDigest: digest, settings: settings, at: now,
                in: database
            )
        }
    }

    /// Operator-only: creates a verified patient account at once, for an operator who vouches for the address (the
    /// `sprucelink signup` command, seeding, tests). Never call it on a path a visitor reaches: it proves nothing
    /// about the address and answers ``AccountError/emailTaken`` for a taken one, which tells whether a person has
    /// an account. Web and app signups prove the address with a code (``startSignup(_:continuation:client:at:)``).
    /// When a signup continuation came along, connects the patient to its practice (consuming the invitation it
    /// carries, exactly once) in the same transaction.
    /// - Parameter client: who is signing up (the client's address), counted against
    ///   ``Throttles/signupsPerClient`` first; `nil` counts nothing (the command line).
    /// - Throws: ``TooManyAttempts``; ``AccountError`` for bad fields or a taken email/phone; ``SignedValueError``
    ///   for a tampered, expired or replayed continuation; ``InvitationUnavailable`` for an invitation no longer
    ///   usable.
    public func signUpPatient(
        _ details: AccountDetails,
        continuation: String? = nil,
        client: String? = nil,
        at now: Date = Date()
    ) async throws -> (Patient, ConnectOutcome?) {
        if let client { try await countSignup(client: client, at: now) }
        let details = try details.validated()
        let settings = self.settings
        let carried = try continuation.map { text throws(SignedValueError) in
            try SignedValue<SignupContinuation>.verify(
                text, purpose: SignupContinuation.purpose, key: settings.signingKey, at: now)
        }
        let passwordHash = try await passwords.hash(details.password, with: settings.passwordHasher)
        return try await transaction { database in
            if let carried {
                try await Self.spend(nonce: carried.nonce, at: now, in: database)
                if let digest = carried.payload.invitationDigest {
                    guard let invitation = try await Self.invitation(digest: TokenDigest(hex: digest), in: database)
                    else {
                        throw InvitationUnavailable(resolution: .notFound)
                    }
                    guard invitation.state(at: now) == .pending else {
                        throw InvitationUnavailable(resolution: Self.resolution(for: invitation.state(at: now)))
                    }
                    guard Self.matches(invitation.recipient, email: details.email, phone: details.phone) else {
                        throw AccountError.invalid(
                            field: "email", rule: "must be the email address or phone number the invitation was sent to"
                        )
                    }
                }
            }
            let patient = try await Self.insertPatient(
                details, passwordHash: passwordHash, verified: true, at: now, in: database)
            guard let carried else { return (patient, nil) }
            let resolution = try await Self.resolve(carried.payload, at: now, in: database)
            let outcome = try await Self.carryOut(
                visitor: .patient(patient), resolution: resolution, invitationDigest: carried.payload.invitationDigest,
                settings: settings, at: now, in: database
            )
            return (patient, outcome)
        }
    }

    /// Finishes a connect that was interrupted by a login: the continuation carried through the login form.
    public func resume(_ continuation: String, as visitor: Visitor, at now: Date = Date()) async throws
        -> ConnectOutcome
    {
        let settings = self.settings
        let carried = try SignedValue<SignupContinuation>.verify(
            continuation, purpose: SignupContinuation.purpose, key: settings.signingKey, at: now)
        return try await transaction { database in
            try await Self.spend(nonce: carried.nonce, at: now, in: database)
            let resolution = try await Self.resolve(carried.payload, at: now, in: database)
            return try await Self.carryOut(
                visitor: visitor, resolution: resolution, invitationDigest: carried.payload.invitationDigest,
                settings: settings, at: now, in: database
            )
        }
    }

    /// The member's answer to "Connect with ⟨clinic⟩?": **Connect with Clinic** creates (or finds) the one
    /// conversation of the two clinics; **Not now** creates nothing.
    public func answerClinicPrompt(
        _ token: String,
        as identity: Identity,
        accept: Bool,
        at now: Date = Date()
    ) async throws -> ConnectOutcome {
        let settings = self.settings
        let prompt = try SignedValue<ClinicPrompt>.verify(
            token, purpose: ClinicPrompt.purpose, key: settings.signingKey, at: now
        ).payload
        return try await transaction { database in
            let member = try await Self.actingMember(identity, in: database)
            guard member.id == prompt.memberID, member.organizationID == prompt.organizationID else {
                throw MessagingError.forbidden("this prompt was made for another member")
            }
            guard accept else { return .declined }
            try await Self.countConnectRequest(
                visitor: .member(member), rateKey: "", resolution: nil, throttles: settings.throttles, at: now,
                in: database)
            let link = try await Self.link(code: prompt.code, in: database)
            guard let link, link.status == .active else { return .unavailable(link == nil ? .notFound : .disabled) }
            return try await Self.connectClinics(
                member: member, other: prompt.otherOrganizationID, link: link, at: now,
                in: database)
        }
    }

    /// **Add Clinic**: a member enters another clinic's Spruce link (any spelling the parser accepts) and the
    /// clinics are connected at once, the other clinic alerted.
    /// - Throws: ``ScanError`` for text that is not a Spruce link.
    public func addClinic(
        _ scannedText: String,
        as identity: Identity,
        hosts: [String] = ScannedLink.defaultHosts,
        at now: Date = Date()
    ) async throws -> ConnectOutcome {
        let scanned = try ScannedLink.parse(scannedText, hosts: hosts)
        let settings = self.settings
        return try await transaction { database in
            let member = try await Self.actingMember(identity, in: database)
            let (resolution, _) = try await Self.resolve(scanned.target, at: now, in: database)
            try await Self.countConnectRequest(
                visitor: .member(member), rateKey: "", resolution: resolution, throttles: settings.throttles, at: now,
                in: database)
            guard case .found(let link, _, _) = resolution else { return .unavailable(resolution) }
            guard link.organizationID != member.organizationID else { return .ownPractice }
            return try await Self.connectClinics(
                member: member, other: link.organizationID, link: link, at: now,
                in: database)
        }
    }

    /// Starts the group conversation of the member's clinic, a connected clinic and one of the member's patients
    /// who has a secure account; the patient becomes the other clinic's contact if new to it.
    public func startGroupConversation(
        as identity: Identity,
        with otherOrganizationID: OrganizationID,
        patient patientID: PatientID,
        at now: Date = Date()
    ) async throws -> (ConversationID, isNew: Bool) {
        try await transaction { database in
            let member = try await Self.actingMember(identity, in: database)
            let organizationID = member.organizationID
            guard otherOrganizationID != organizationID else {
                throw MessagingError.invalid(field: "clinic", rule: "must be another clinic")
            }
            let clinicKey = ConversationKey.clinic(organizationID, otherOrganizationID)
            guard
                try await database.select().column("id").from("conversations")
                    .where("conversation_key", .equal, SQLBind(clinicKey)).first() != nil
            else { throw MessagingError.notConnected }
            guard
                try await database.select().column("id").from("contacts")
                    .where("organization_id", .equal, SQLBind(organizationID.rawValue))
                    .where("patient_id", .equal, SQLBind(patientID.rawValue)).first() != nil,
                let patient = try await Self.patient(id: patientID, in: database)
            else { throw MessagingError.forbidden("the patient is not one of your clinic's patients") }
            guard patient.hasSecureAccount else { throw MessagingError.patientWithoutSecureAccount }
            guard let mine = try await Self.organization(id: organizationID, in: database),
                let other = try await Self.organization(id: otherOrganizationID, in: database)
            else { throw StoreError.organizationNotFound(id: otherOrganizationID.rawValue) }
            let (id, isNew) = try await Self.ensureConversation(
                kind: .group, key: ConversationKey.group(organizationID, otherOrganizationID, patient: patientID),
                linkID: nil, organizations: [organizationID, otherOrganizationID], patients: [patientID], tags: [],
                at: now, in: database
            )
            try await Self.addContact(
                to: otherOrganizationID, kind: .patient, patient: patientID, displayName: patient.name, at: now,
                in: database)
            if isNew {
                try await Self.alertMembers(
                    of: otherOrganizationID, .groupStarted(by: mine.profile.displayName, patient: patient.name),
                    conversationID: id, at: now, in: database)
                try await Self.alertMembers(
                    of: organizationID, .groupStartedWith(clinic: other.profile.displayName, patient: patient.name),
                    conversationID: id, excluding: member.id, at: now, in: database)
            }
            return (id, isNew)
        }
    }

    // MARK: - Steps, each run inside the caller's transaction

    /// Resolves a link or invitation; for an invitation also returns its digest.
    static func resolve(
        _ target: ScannedLink.Target,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> (Resolution, String?) {
        switch target {
        case .practice(let code):
            guard let link = try await link(code: code, in: database) else { return (.notFound, nil) }
            let organization = try await organization(id: link.organizationID, in: database)
            return (Resolution.decide(link: link, profile: organization?.profile), nil)
        case .invitation(let token):
            guard let invitation = try await invitation(digest: token.digest, in: database),
                let link = try await link(id: invitation.linkID, in: database)
            else { return (.notFound, nil) }
            let organization = try await organization(id: link.organizationID, in: database)
            let resolution = Resolution.decide(
                invitation: invitation, link: link, profile: organization?.profile, at: now)
            return (resolution, token.digest.hex)
        }
    }

    /// Resolves what a continuation carries: its link, and its invitation when it came through one.
    static func resolve(
        _ continuation: SignupContinuation,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> Resolution {
        let (resolution, _) = try await resolve(.practice(continuation.code), at: now, in: database)
        guard let digest = continuation.invitationDigest, case .found(let link, let profile, _) = resolution else {
            return resolution
        }
        let invitation = try await invitation(digest: TokenDigest(hex: digest), in: database)
        return Resolution.decide(invitation: invitation, link: link, profile: profile, at: now)
    }

    /// Does what ``ConnectDecision`` decided.
    static func carryOut(
        visitor: Visitor,
        resolution: Resolution,
        invitationDigest: String?,
        settings: StoreSettings,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> ConnectOutcome {
        switch ConnectDecision.decide(visitor: visitor, resolution: resolution) {
        case .unavailable(let resolution):
            return .unavailable(resolution)
        case .ownPractice:
            return .ownPractice
        case .requireSignup:
            guard case .found(let link, let profile, let invitation) = resolution else {
                return .unavailable(resolution)
            }
            let continuation = try SignedValue.sign(
                SignupContinuation(
                    code: link.code, tags: invitation?.tags ?? link.tags, invitationDigest: invitationDigest),
                purpose: SignupContinuation.purpose, key: settings.signingKey, lifetime: SignupContinuation.lifetime,
                at: now
            )
            return .signupRequired(continuation: continuation, profile: profile)
        case .connectPatient:
            guard case .patient(let patient) = visitor, case .found(let link, let profile, let invitation) = resolution
            else { return .unavailable(resolution) }
            if let invitation, matches(invitation.recipient, email: patient.email, phone: patient.phone) {
                _ = try await acceptInvitation(digest: invitation.tokenDigest, at: now, in: database)
            }
            return try await connectPatient(
                patient, link: link, practiceName: profile.displayName, at: now, in: database)
        case .promptClinic:
            guard case .member(let member) = visitor, case .found(let link, let profile, _) = resolution else {
                return .unavailable(resolution)
            }
            let prompt = ClinicPrompt(
                memberID: member.id, organizationID: member.organizationID, otherOrganizationID: link.organizationID,
                otherOrganizationName: profile.displayName, code: link.code
            )
            let token = try SignedValue.sign(
                prompt, purpose: ClinicPrompt.purpose, key: settings.signingKey, lifetime: ClinicPrompt.lifetime,
                at: now)
            return .confirmClinicConnection(prompt, token: token)
        }
    }

    static func connectPatient(
        _ patient: Patient,
        link: PracticeLink,
        practiceName: String,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> ConnectOutcome {
        let (id, isNew) = try await ensureConversation(
            kind: .secure, key: ConversationKey.secure(patient: patient.id, practice: link.organizationID),
            linkID: link.id, organizations: [link.organizationID], patients: [patient.id], tags: link.tags,
            at: now, in: database
        )
        try await addContact(
            to: link.organizationID, kind: .patient, patient: patient.id, displayName: patient.name, at: now,
            in: database)
        if isNew {
            try await alertMembers(
                of: link.organizationID,
                .patientConnected(patient: patient.name, practice: practiceName, linkLabel: link.label),
                conversationID: id, at: now, in: database)
        }
        return .connected(id, isNew: isNew)
    }

    static func connectClinics(
        member: Member,
        other otherOrganizationID: OrganizationID,
        link: PracticeLink?,
        at now: Date,
        in database: any SQLDatabase
    ) async throws -> ConnectOutcome {
        let organizationID = member.organizationID
        guard otherOrganizationID != organizationID else { return .ownPractice }
        guard let mine = try await organization(id: organizationID, in: database),
            let other = try await organization(id: otherOrganizationID, in: database)
        else { throw StoreError.organizationNotFound(id: otherOrganizationID.rawValue) }
        let (id, isNew) = try await ensureConversation(
            kind: .clinic, key: ConversationKey.clinic(organizationID, otherOrganizationID), linkID: link?.id,
            organizations: [organizationID, otherOrganizationID], patients: [], tags: link?.tags ?? [], at: now,
            in: database
        )
        try await addContact(
            to: organizationID, kind: .clinic, otherOrganization: otherOrganizationID,
            displayName: other.profile.displayName, at: now, in: database)
        try await addContact(
            to: otherOrganizationID, kind: .clinic, otherOrganization: organizationID,
            displayName: mine.profile.displayName, at: now, in: database)
        if isNew {
            try await alertMembers(
                of: otherOrganizationID, .clinicConnected(by: mine.profile.displayName), conversationID: id, at: now,
                in: database)
            try await alertMembers(
                of: organizationID, .clinicConversationStarted(with: other.profile.displayName), conversationID: id,
                excluding: member.id, at: now, in: database)
        }
        return .clinicsConnected(id, isNew: isNew)
    }

    /// Records a signed value's nonce as spent; a second spend is a replay.
    static func spend(nonce: String, at now: Date, in database: any SQLDatabase) async throws {
        let rows = try await database.insert(into: "spent_values").columns("nonce", "spent_at")
            .values(SQLBind(nonce), SQLBind(now.storedMilliseconds))
            .ignoringConflicts(with: "nonce").returning("nonce").all()
        guard !rows.isEmpty else { throw SignedValueError.alreadyUsed }
    }

    /// Counts a connect request against the visitor's cap and, when it can create something (a logged-in
    /// visitor), the organization's. An anonymous click only leads to the signup form, so it never spends the
    /// practice's cap: a visitor flooding clicks cannot stop real patients from connecting.
    static func countConnectRequest(
        visitor: Visitor,
        rateKey: String,
        resolution: Resolution?,
        throttles: Throttles,
        at now: Date,
        in database: any SQLDatabase
    ) async throws {
        let visitorKey: String
        switch visitor {
        case .anonymous: visitorKey = "connect:anonymous:\(rateKey)"
        case .patient(let patient): visitorKey = "connect:patient:\(patient.id)"
        case .member(let member): visitorKey = "connect:member:\(member.id)"
        }
        try await RateCounter.take(
            visitorKey, policy: throttles.connectsPerVisitor, scope: "connect requests from this visitor", at: now,
            in: database)
        if case .found(let link, _, _)? = resolution, visitor != .anonymous {
            try await RateCounter.take(
                "connect:organization:\(link.organizationID)", policy: throttles.connectsPerOrganization,
                scope: "connect requests for this organization", at: now, in: database)
        }
    }

    static func matches(_ recipient: InvitationRecipient, email: String?, phone: String?) -> Bool {
        if let email, let invited = recipient.email, email.lowercased() == invited.lowercased() { return true }
        if let phone, let invited = recipient.phone, digits(phone) == digits(invited) { return true }
        return false
    }

    private static func digits(_ phone: String) -> String { phone.filter { $0.isASCII && $0.isNumber } }

    static func resolution(for state: InvitationState) -> Resolution {
        switch state {
        case .pending, .accepted: .invitationAccepted
        case .expired: .invitationExpired
        case .revoked: .invitationRevoked
        }
    }
}
