import Metrics
import SpruceCore
import SpruceStore

/// Counters of what the service did, in Prometheus by way of swift-metrics. Made once: looking a counter up in
/// the factory on every request costs more than the request's own work on the cached paths.
struct ServerMetrics: Sendable {
    static let resolveOutcomes = [
        "found", "not_found", "disabled", "invitation_expired", "invitation_accepted", "invitation_revoked",
    ]
    static let connectOutcomes =
        resolveOutcomes.filter { $0 != "found" } + [
            "signup_required", "patient_connected", "patient_already_connected", "clinic_prompt", "clinics_connected",
            "clinics_already_connected", "declined", "own_practice",
        ]

    private let resolveCounters: [String: Counter]
    /// `resolveCounters["found"]`, kept apart for the hot reads, which count it on every answer.
    private let foundCounter: Counter?
    private let connectCounters: [String: Counter]

    init() {
        var resolve: [String: Counter] = [:]
        for outcome in Self.resolveOutcomes {
            resolve[outcome] = Counter(label: "sprucelink_resolve_total", dimensions: [("outcome", outcome)])
        }
        var connect: [String: Counter] = [:]
        for outcome in Self.connectOutcomes {
            connect[outcome] = Counter(label: "sprucelink_connect_total", dimensions: [("outcome", outcome)])
        }
        resolveCounters = resolve
        foundCounter = resolve["found"]
        connectCounters = connect
    }

    func resolved(_ resolution: Resolution) {
        resolved(outcome: resolution.outcome)
    }

    func resolved(outcome: String) {
        resolveCounters[outcome]?.increment()
    }

    /// Counts a link resolved to its profile: `resolved(outcome: "found")` without the look-up.
    func resolvedFound() {
        foundCounter?.increment()
    }

    func connected(_ outcome: ConnectOutcome) {
        let name: String
        switch outcome {
        case .signupRequired: name = "signup_required"
        case .connected(_, let isNew): name = isNew ? "patient_connected" : "patient_already_connected"
        case .confirmClinicConnection: name = "clinic_prompt"
        case .clinicsConnected(_, let isNew): name = isNew ? "clinics_connected" : "clinics_already_connected"
        case .declined: name = "declined"
        case .ownPractice: name = "own_practice"
        case .unavailable(let resolution): name = resolution.outcome
        }
        connectCounters[name]?.increment()
    }
}
