import SpruceCore
import SpruceStore

/// `--as member:EMAIL`, `--as patient:EMAIL` or `--as anonymous`: who an operator command acts as.
///
/// The CLI is an operator's tool with direct access to the database, so it acts without a password; the HTTP
/// service is where people log in.
struct Persona: Sendable {
    enum Kind: Sendable { case member, patient, anonymous }

    let kind: Kind
    let email: String

    init(parsing text: String) throws(UsageError) {
        let lowered = text.lowercased()
        if lowered == "anonymous" {
            self.kind = .anonymous
            self.email = ""
            return
        }
        let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw UsageError("--as must be member:EMAIL, patient:EMAIL or anonymous")
        }
        switch parts[0].lowercased() {
        case "member": self.kind = .member
        case "patient": self.kind = .patient
        default: throw UsageError("--as must be member:EMAIL, patient:EMAIL or anonymous")
        }
        self.email = parts[1]
    }

    /// The visitor this persona is, looked up in the store.
    func visitor(in store: SpruceStore) async throws -> Visitor {
        switch kind {
        case .anonymous:
            return .anonymous
        case .member:
            guard let member = try await store.member(email: email) else {
                throw UsageError("--as: no member \(email)")
            }
            return .member(member)
        case .patient:
            guard let patient = try await store.patient(email: email) else {
                throw UsageError("--as: no patient \(email)")
            }
            return .patient(patient)
        }
    }

    func identity(in store: SpruceStore) async throws -> Identity {
        try await visitor(in: store).identity
    }
}
