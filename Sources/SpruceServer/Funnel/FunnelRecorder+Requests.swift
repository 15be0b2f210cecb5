import Hummingbird
import ServiceLifecycle
import SpruceCore
import SpruceStore

extension FunnelRecorder.Traits {
    /// Reads the three fields in one pass over a request's fields, named in any case (a repeated field's values
    /// joined with ", ", as `HTTPFields` joins them): looking each up by name costs a pass and a new string each.
    /// The router's requests (`HTTPFields`) and the hot path's (NIO's `HTTPHeaders`) both come through here.
    init(method: String, fields: some Sequence<(name: String, value: String)>, address: String) {
        var purpose: String?
        var secPurpose: String?
        var userAgent: String?
        func add(_ value: String, to text: inout String?) {
            text = text.map { $0 + ", " + value } ?? value
        }
        for (name, value) in fields {
            switch name.utf8.count {
            case 10 where Self.isName(name, "user-agent"): add(value, to: &userAgent)
            case 11 where Self.isName(name, "sec-purpose"): add(value, to: &secPurpose)
            case 7 where Self.isName(name, "purpose"): add(value, to: &purpose)
            default: continue
            }
        }
        self.init(
            method: method, purpose: purpose, secPurpose: secPurpose, userAgent: userAgent, address: address)
    }

    init(_ request: Request, context: SpruceRequestContext) {
        self.init(
            method: request.method.rawValue,
            fields: request.headers.lazy.map { (name: $0.name.canonicalName, value: $0.value) },
            address: context.clientAddress)
    }

    /// Whether a request of `method` from `address` with `fields` has these traits, found without building them
    /// (the copies of its strings cost a keep-alive connection's repeated requests more than the comparison). A
    /// repeated field is never a match here: building the traits joins its values.
    func matches(method: String, fields: some Sequence<(name: String, value: String)>, address: String) -> Bool {
        guard self.method == method, self.address == address else { return false }
        var seenUserAgent = false
        var seenPurpose = false
        var seenSecPurpose = false
        func check(_ value: String, against expected: String?, seen: inout Bool) -> Bool {
            defer { seen = true }
            return !seen && expected == value
        }
        for (name, value) in fields {
            switch name.utf8.count {
            case 10 where Self.isName(name, "user-agent"):
                guard check(value, against: userAgent, seen: &seenUserAgent) else { return false }
            case 11 where Self.isName(name, "sec-purpose"):
                guard check(value, against: secPurpose, seen: &seenSecPurpose) else { return false }
            case 7 where Self.isName(name, "purpose"):
                guard check(value, against: purpose, seen: &seenPurpose) else { return false }
            default: continue
            }
        }
        return seenUserAgent == (userAgent != nil) && seenPurpose == (purpose != nil)
            && seenSecPurpose == (secPurpose != nil)
    }

    /// Whether `name` is `lowercase` in any letter case (ASCII, as field names are).
    private static func isName(_ name: String, _ lowercase: String) -> Bool {
        name.utf8.elementsEqual(lowercase.utf8) { byte, lower in
            byte == lower || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") && byte | 0x20 == lower)
        }
    }
}

extension FunnelRecorder {
    /// Counts what a connect flow's outcome adds to the funnel on `code`.
    func count(outcome: ConnectOutcome, code: LinkCode, viaInvitation: Bool) {
        switch outcome {
        case .signupRequired: count(.signupStarted, code: code)
        case .connected(_, isNew: true):
            if viaInvitation {
                count(.conversationPatient, .invitationAccepted, code: code)
            } else {
                count(.conversationPatient, code: code)
            }
        case .clinicsConnected(_, isNew: true): count(.conversationClinic, code: code)
        default: break
        }
    }

    /// Counts a completed signup (the patient proved their address: by the code, or by the invitation sent to
    /// it), and what its connect added.
    func countSignup(code: LinkCode, outcome: ConnectOutcome?, viaInvitation: Bool) {
        count(.signupCompleted, code: code)
        if let outcome { count(outcome: outcome, code: code, viaInvitation: viaInvitation) }
    }
}

/// Flushes the funnel while the server runs, and once more after it stopped.
struct FunnelService: Service {
    let recorder: FunnelRecorder

    func run() async throws {
        await cancelWhenGracefulShutdown { await recorder.run() }
    }
}
