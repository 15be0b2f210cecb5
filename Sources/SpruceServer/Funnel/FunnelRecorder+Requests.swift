import HTTPTypes
import Hummingbird
import ServiceLifecycle
import SpruceCore
import SpruceStore

extension FunnelRecorder.Traits {
    static let purpose = HTTPField.Name("Purpose")
    static let secPurpose = HTTPField.Name("Sec-Purpose")

    /// Reads the three fields in one pass over the request's fields (a repeated field's values joined with ", ",
    /// as `HTTPFields` joins them): looking each up by name costs a pass and a new string each.
    init(_ request: HTTPRequest, address: String) {
        var purpose: String?
        var secPurpose: String?
        var userAgent: String?
        func add(_ value: String, to text: inout String?) {
            text = text.map { $0 + ", " + value } ?? value
        }
        for field in request.headerFields {
            switch field.name {
            case .userAgent: add(field.value, to: &userAgent)
            case Self.secPurpose: add(field.value, to: &secPurpose)
            case Self.purpose: add(field.value, to: &purpose)
            default: continue
            }
        }
        self.init(
            method: request.method.rawValue, purpose: purpose, secPurpose: secPurpose, userAgent: userAgent,
            address: address)
    }

    init(_ request: Request, context: SpruceRequestContext) {
        self.init(request.head, address: context.clientAddress)
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
