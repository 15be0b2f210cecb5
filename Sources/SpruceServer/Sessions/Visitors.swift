import SpruceCore
import SpruceStore

/// Who the request's session stands for, looked up in the store; and the pages' "only for staff" and "only for
/// patients" refusals.
struct Visitors: Sendable {
    let store: SpruceStore

    /// The visitor the request's session stands for.
    func visitor(_ context: SpruceRequestContext) async throws -> Visitor {
        guard let session = context.session else { return .anonymous }
        return try await store.visitor(for: session.identity)
    }

    /// The logged-in member, or a redirect to the login page (thrown as ``ServerError``).
    func requireMember(_ context: SpruceRequestContext) async throws -> Member {
        guard case .member(let member) = try await visitor(context) else {
            if case .patient = context.identity { throw ServerError(.forbidden("this page is for clinic staff")) }
            throw ServerError(.loginRequired)
        }
        return member
    }

    func requirePatient(_ context: SpruceRequestContext) async throws -> Patient {
        guard case .patient(let patient) = try await visitor(context) else {
            if case .member = context.identity { throw ServerError(.forbidden("this page is for patients")) }
            throw ServerError(.loginRequired)
        }
        return patient
    }

    /// Where a visitor lands after logging in.
    static func home(for visitor: Visitor) -> String {
        switch visitor {
        case .member: "/inbox"
        case .patient: "/care"
        case .anonymous: "/"
        }
    }
}
