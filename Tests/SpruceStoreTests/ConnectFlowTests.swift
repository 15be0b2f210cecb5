import Foundation
import SpruceCore
import Testing

@testable import SpruceStore

/// One row of the connect table (``ConnectOutcome``, docs/ARCHITECTURE.md "Connect"): who opens the link, in which
/// state the link is, what happens, and which rows appear.
struct ConnectCase: CustomTestStringConvertible, Sendable {
    enum VisitorKind: String, Sendable { case anonymous, newPatient, connectedPatient, otherClinicMember, ownMember }
    enum LinkState: String, Sendable {
        case active, disabled, unknown, invitationPending, invitationExpired, invitationAccepted, invitationRevoked
    }

    let visitor: VisitorKind
    let link: LinkState
    let outcome: String
    let rows: [String: Int]

    var testDescription: String { "\(visitor.rawValue) via \(link.rawValue) → \(outcome)" }

    static let newConversationRows = ["contacts": 1, "conversations": 1, "conversation_participants": 2, "alerts": 1]

    static let all: [ConnectCase] = {
        var cases: [ConnectCase] = [
            ConnectCase(visitor: .anonymous, link: .active, outcome: "signup_required", rows: [:]),
            ConnectCase(visitor: .anonymous, link: .invitationPending, outcome: "signup_required", rows: [:]),
            ConnectCase(visitor: .newPatient, link: .active, outcome: "connected_new", rows: newConversationRows),
            ConnectCase(
                visitor: .newPatient, link: .invitationPending, outcome: "connected_new", rows: newConversationRows),
            ConnectCase(visitor: .connectedPatient, link: .active, outcome: "connected_existing", rows: [:]),
            ConnectCase(visitor: .otherClinicMember, link: .active, outcome: "prompt", rows: [:]),
            ConnectCase(visitor: .otherClinicMember, link: .invitationPending, outcome: "prompt", rows: [:]),
            ConnectCase(visitor: .ownMember, link: .active, outcome: "own_practice", rows: [:]),
            ConnectCase(visitor: .ownMember, link: .invitationPending, outcome: "own_practice", rows: [:]),
        ]
        let failures: [(LinkState, String)] = [
            (.disabled, "disabled"), (.unknown, "not_found"), (.invitationExpired, "invitation_expired"),
            (.invitationAccepted, "invitation_accepted"), (.invitationRevoked, "invitation_revoked"),
        ]
        for visitor in [VisitorKind.anonymous, .newPatient, .connectedPatient, .otherClinicMember, .ownMember] {
            for (state, outcome) in failures {
                cases.append(ConnectCase(visitor: visitor, link: state, outcome: "unavailable:\(outcome)", rows: [:]))
            }
        }
        return cases
    }()
}

func outcomeName(_ outcome: ConnectOutcome) -> String {
    switch outcome {
    case .signupRequired: "signup_required"
    case .connected(_, let isNew): isNew ? "connected_new" : "connected_existing"
    case .confirmClinicConnection: "prompt"
    case .clinicsConnected(_, let isNew): isNew ? "clinics_connected_new" : "clinics_connected_existing"
    case .declined: "declined"
    case .ownPractice: "own_practice"
    case .unavailable(let resolution): "unavailable:\(resolution.outcome)"
    }
}

@Suite("Connect with practice: every row of the connect table")
struct ConnectFlowTests {
    @Test("visitor × link state", arguments: TestEngine.all, ConnectCase.all)
    func connectTable(engine: TestEngine, _ testCase: ConnectCase) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let now = Date()
            let (connected, _) = try await world.signUp("Connected Carla", email: "carla@example.com")
            _ = try await store.connect(visitor: .patient(connected), via: .practice(world.practiceLink.code))
            let (fresh, _) = try await world.signUp("Fresh Fran", email: "fran@example.com")

            let target: ScannedLink.Target
            switch testCase.link {
            case .active: target = .practice(world.practiceLink.code)
            case .disabled:
                let extra = try await store.mintLinks(MintRequest(organizationID: world.practice.id))[0]
                try await store.disableLink(code: extra.code, in: .everyOrganization)
                target = .practice(extra.code)
            case .unknown: target = .practice(try LinkCode("9999999999"))
            case .invitationPending, .invitationExpired, .invitationAccepted, .invitationRevoked:
                let lifetime: TimeInterval = testCase.link == .invitationExpired ? 1 : 3600
                let created = now.addingTimeInterval(testCase.link == .invitationExpired ? -10 : 0)
                let (invitation, token) = try await store.invite(
                    link: world.practiceLink.code, recipient: InvitationRecipient(email: "someone@example.com"),
                    lifetime: lifetime, at: created)
                if testCase.link == .invitationAccepted { try await store.acceptInvitation(token) }
                if testCase.link == .invitationRevoked { try await store.revokeInvitation(id: invitation.id) }
                target = .invitation(token)
            }
            let visitor: Visitor
            switch testCase.visitor {
            case .anonymous: visitor = .anonymous
            case .newPatient: visitor = .patient(fresh)
            case .connectedPatient: visitor = .patient(connected)
            case .otherClinicMember: visitor = .member(world.clinicMember)
            case .ownMember: visitor = .member(world.practiceMember)
            }
            let before = try await world.counts()
            let outcome = try await store.connect(visitor: visitor, via: target, at: now)
            let after = try await world.counts()
            #expect(outcomeName(outcome) == testCase.outcome)
            #expect(after.delta(from: before) == testCase.rows)
            if case .unavailable(let resolution) = outcome {
                #expect(resolution.httpStatus == (testCase.link == .unknown ? 404 : 410))
            }
        }
    }

    @Test(
        "a new patient signs up through the link, lands connected, tagged, at the top of the practice inbox",
        arguments: TestEngine.all)
    func signupThroughLink(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            guard
                case .signupRequired(let continuation, let profile) = try await store.connect(
                    visitor: .anonymous, via: .practice(world.practiceLink.code))
            else {
                Issue.record("expected signup")
                return
            }
            #expect(profile.displayName == "Oak Street Pediatrics")
            let (patient, outcome) = try await world.signUp(
                "Ana Souza", email: "ana@example.com", continuation: continuation)
            guard case .connected(let conversationID, true)? = outcome else {
                Issue.record("expected connected")
                return
            }
            let inbox = try await store.inbox(as: .member(world.practiceMember.id, of: world.practice.id))
            #expect(inbox.entries.first?.conversationID == conversationID)
            #expect(inbox.entries.first?.title == "Ana Souza")
            #expect(inbox.entries.first?.tags.map(\.rawValue) == ["flu-shot"])
            #expect(inbox.entries.first?.icon == .patient)
            #expect(
                try await store.getCare(as: .patient(patient.id)).map(\.profile.displayName) == [
                    "Oak Street Pediatrics"
                ])
            let alerts = try await store.alerts(as: .member(world.practiceMember.id, of: world.practice.id))
            #expect(alerts.map(\.kind) == [.conversationStarted])
            #expect(try await store.alerts(as: .member(world.quietPracticeMember.id, of: world.practice.id)).isEmpty)
        }
    }

    @Test(
        "signing up through an invitation consumes it once and binds the account to the invited address",
        arguments: TestEngine.all)
    func signupThroughInvitation(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let (_, token) = try await store.invite(
                link: world.practiceLink.code, recipient: InvitationRecipient(name: "Bo", email: "bo@example.com"))
            guard
                case .signupRequired(let continuation, _) = try await store.connect(
                    visitor: .anonymous, via: .invitation(token))
            else {
                Issue.record("expected signup")
                return
            }
            let before = try await world.counts()
            await #expect(
                throws: AccountError.invalid(
                    field: "email", rule: "must be the email address or phone number the invitation was sent to")
            ) {
                _ = try await world.signUp("Mallory", email: "mallory@example.com", continuation: continuation)
            }
            #expect(try await world.counts() == before)
            let (_, outcome) = try await world.signUp("Bo", email: "BO@example.com", continuation: continuation)
            guard case .connected(_, true)? = outcome else {
                Issue.record("expected connected")
                return
            }
            #expect(try await store.resolve(invitation: token) == .invitationAccepted)

            // The practice link itself still leads to signup; only the invitation is spent.
            #expect(!(try await world.signupContinuation()).isEmpty)
            #expect(
                outcomeName(try await store.connect(visitor: .anonymous, via: .invitation(token)))
                    == "unavailable:invitation_accepted")
        }
    }

    @Test(
        "tampered, expired, replayed and foreign continuations are refused and create nothing",
        arguments: TestEngine.all)
    func badContinuations(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let continuation = try await world.signupContinuation()
            let before = try await world.counts()
            var tampered = Array(continuation)
            tampered[5] = tampered[5] == "A" ? "B" : "A"
            await #expect(throws: SignedValueError.badSignature) {
                _ = try await world.signUp("T", email: "t@example.com", continuation: String(tampered))
            }
            await #expect(throws: SignedValueError.malformed) {
                _ = try await world.signUp("T", email: "t@example.com", continuation: "garbage")
            }
            let foreign = try SignedValue.sign(
                SignupContinuation(code: world.clinicLink.code, tags: [], invitationDigest: nil),
                purpose: SignupContinuation.purpose, key: .random(), lifetime: 3600)
            await #expect(throws: SignedValueError.badSignature) {
                _ = try await world.signUp("T", email: "t@example.com", continuation: foreign)
            }
            await #expect(throws: SignedValueError.expired) {
                _ = try await store.signUpPatient(
                    AccountDetails(name: "T", email: "t@example.com", password: "patient password"),
                    continuation: continuation, at: Date().addingTimeInterval(SignupContinuation.lifetime + 5))
            }
            #expect(try await world.counts() == before)
            _ = try await world.signUp("First", email: "first@example.com", continuation: continuation)
            let afterFirst = try await world.counts()
            await #expect(throws: SignedValueError.alreadyUsed) {
                _ = try await world.signUp("Replay", email: "replay@example.com", continuation: continuation)
            }
            #expect(try await world.counts() == afterFirst)
        }
    }

    @Test("the continuation survives a login: an existing patient logs in and is connected", arguments: TestEngine.all)
    func continuationAcrossLogin(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            _ = try await world.signUp("Existing Eve", email: "eve@example.com")
            let continuation = try await world.signupContinuation()
            let visitor = try await store.authenticate(login: "EVE@example.com", password: "patient password")
            #expect(outcomeName(try await store.resume(continuation, as: visitor)) == "connected_new")
            await #expect(throws: AccountError.wrongCredentials) {
                _ = try await store.authenticate(login: "eve@example.com", password: "wrong password")
            }
            await #expect(throws: AccountError.wrongCredentials) {
                _ = try await store.authenticate(login: "nobody@example.com", password: "patient password")
            }
        }
    }

    @Test("a clinic member confirms Connect with Clinic, or declines and nothing is created", arguments: TestEngine.all)
    func clinicPrompt(engine: TestEngine) async throws {
        try await withStore(engine) { store, _ in
            let world = try await ConnectWorld.make(store)
            let me = Identity.member(world.clinicMember.id, of: world.clinic.id)
            let (prompt, token) = try await world.clinicPrompt()
            #expect(prompt.question == "Connect with Oak Street Pediatrics?")
            let before = try await world.counts()
            #expect(try await store.answerClinicPrompt(token, as: me, accept: false) == .declined)
            #expect(try await world.counts() == before)
            let intruder = Identity.member(world.practiceMember.id, of: world.practice.id)
            await #expect(throws: MessagingError.forbidden("this prompt was made for another member")) {
                _ = try await store.answerClinicPrompt(token, as: intruder, accept: true)
            }
            guard case .clinicsConnected(let id, true) = try await store.answerClinicPrompt(token, as: me, accept: true)
            else {
                Issue.record("expected connected")
                return
            }
            #expect(
                after(try await world.counts(), before) == [
                    "contacts": 2, "conversations": 1, "conversation_participants": 2, "alerts": 1,
                ])
            guard case .clinicsConnected(id, false) = try await store.answerClinicPrompt(token, as: me, accept: true)
            else {
                Issue.record("expected the same conversation")
                return
            }
        }
    }

    private func after(_ now: RowCounts, _ before: RowCounts) -> [String: Int] { now.delta(from: before) }
}
