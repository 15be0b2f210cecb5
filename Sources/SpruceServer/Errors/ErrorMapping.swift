import Foundation
import HTTPTypes
import Hummingbird
import Logging
import SpruceCore
import SpruceQR
import SpruceStore

/// The one place where domain errors become HTTP statuses. Pages and the JSON API both render from it.
struct MappedError: Sendable {
    let status: HTTPResponse.Status
    /// A short, stable name of the problem, also the last part of the problem type URI.
    let slug: String
    let title: String
    /// What the visitor or integrator is told; names the field and the rule where there is one.
    let detail: String
    let field: String?
    let rule: String?
    /// For 429: seconds until the window ends.
    let retryAfter: Int?

    init(
        _ status: HTTPResponse.Status, _ slug: String, _ title: String, _ detail: String, field: String? = nil,
        rule: String? = nil, retryAfter: Int? = nil
    ) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.field = field
        self.rule = rule
        self.retryAfter = retryAfter
    }

    /// Whether the error is the server's own fault (logged at error level, detail hidden).
    var isServerFault: Bool { status.code >= 500 }

    /// Logs `error` when it is the server's own fault: its type only, as its description may hold values the
    /// visitor typed.
    func log(_ error: any Error, to logger: Logger) {
        guard isServerFault else { return }
        logger.error("request failed", metadata: ["error.type": "\(type(of: error))"])
    }

    static func invalid(_ field: String, _ rule: String) -> MappedError {
        MappedError(
            .unprocessableContent, "invalid-field", "Invalid field", "\(field) \(rule)", field: field, rule: rule)
    }

    static func from(_ error: any Error) -> MappedError {
        switch error {
        case let error as ServerError:
            switch error.reason {
            case .loginRequired:
                return MappedError(.unauthorized, "login-required", "Login required", error.description)
            case .apiKeyRequired:
                return MappedError(.unauthorized, "api-key-required", "API key required", error.description)
            case .appTokenRequired:
                return MappedError(.unauthorized, "app-token-required", "App token required", error.description)
            case .linkUnavailable(let resolution):
                return MappedError(
                    resolution.httpStatus == 404 ? .notFound : .gone,
                    resolution.outcome.replacingOccurrences(of: "_", with: "-"), "Link unavailable", error.description)
            case .csrfRejected: return MappedError(.forbidden, "csrf", "Security check failed", error.description)
            case .invalid(let field, let rule):
                return MappedError(
                    .badRequest, "invalid-request", "Invalid request", error.description, field: field, rule: rule)
            case .unprocessable(let field, let rule): return invalid(field, rule)
            case .notFound: return MappedError(.notFound, "not-found", "Not found", error.description)
            case .forbidden: return MappedError(.forbidden, "forbidden", "Forbidden", error.description)
            case .unsupportedMediaType:
                return MappedError(
                    .unsupportedMediaType, "unsupported-media-type", "Unsupported media type", error.description)
            case .tooLarge:
                return MappedError(.contentTooLarge, "too-large", "Too large", error.description)
            }
        case let error as AccountError:
            switch error {
            case .invalid(let field, let rule): return invalid(field, rule)
            case .emailTaken:
                return MappedError(
                    .conflict, "account-exists", "Account exists", error.description, field: "email", rule: "is taken")
            case .phoneTaken:
                return MappedError(
                    .conflict, "account-exists", "Account exists", error.description, field: "phone", rule: "is taken")
            case .wrongCredentials:
                return MappedError(.unauthorized, "wrong-credentials", "Login failed", error.description)
            }
        case let error as QRColorError:
            return invalid(error.field, error.rule)
        case let error as ProfileError:
            switch error {
            case .empty(let field): return invalid(field, "is empty")
            case .tooLong(let field, let maximum): return invalid(field, "is longer than \(maximum) characters")
            case .invalid(let field, let rule): return invalid(field, rule)
            }
        case let error as MessagingError:
            switch error {
            case .notFound: return MappedError(.notFound, "not-found", "Not found", error.description)
            case .forbidden: return MappedError(.forbidden, "forbidden", "Forbidden", error.description)
            case .invalid(let field, let rule): return invalid(field, rule)
            case .patientWithoutSecureAccount: return invalid("patient", "has no secure account")
            case .notConnected:
                return MappedError(.conflict, "not-connected", "Clinics not connected", error.description)
            }
        case let error as VerificationError:
            let rule = String(error.description.dropFirst("code ".count))
            switch error {
            case .malformed: return invalid("code", rule)
            case .wrongCode:
                return MappedError(
                    .unprocessableContent, "code-wrong", "Wrong code", error.description, field: "code", rule: rule)
            case .tooManyTries:
                return MappedError(.gone, "code-too-many-tries", "Too many wrong codes", error.description)
            case .expired: return MappedError(.gone, "code-expired", "Code expired", error.description)
            case .unknownRequest:
                return MappedError(.notFound, "ticket-unknown", "Unknown ticket", error.description)
            }
        case let error as TooManyAttempts:
            return MappedError(
                .tooManyRequests, "rate-limited", "Too many requests", error.description,
                retryAfter: Int(error.retryAfter))
        case let error as StoreError:
            switch error {
            case .organizationNotFound, .linkNotFound, .invitationNotFound, .memberNotFound, .teamInvitationNotFound:
                return MappedError(.notFound, "not-found", "Not found", error.description)
            case .forbidden: return MappedError(.forbidden, "forbidden", "Forbidden", error.description)
            case .lastAdmin: return MappedError(.conflict, "last-admin", "Last admin", error.description)
            case .teamInvitationUnavailable:
                return MappedError(.gone, "team-invitation-unavailable", "Invitation unavailable", error.description)
            case .invalidInput(let field, let rule): return invalid(field, rule)
            case .codeTaken:
                return MappedError(
                    .conflict, "code-taken", "Code taken", error.description, field: "code", rule: "is taken")
            case .noFreeCode: return MappedError(.serviceUnavailable, "no-free-code", "No free code", error.description)
            case .databaseUnavailable:
                return MappedError(
                    .serviceUnavailable, "unavailable", "Service unavailable", error.description, retryAfter: 5)
            case .invalidLocation, .migrationFailed, .newerSchema, .corruptRow, .seedFailed, .noMessenger:
                return MappedError(
                    .internalServerError, "internal", "Internal error", "the server failed; try again later")
            }
        case let error as InvitationInputError:
            return invalid(error.field, error.rule)
        case let error as InvitationRefusal:
            switch error {
            case .optedOut: return invalid(error.field, error.rule)
            case .alreadyInvited:
                return MappedError(
                    .conflict, "already-invited", "Already invited", error.description, field: error.field,
                    rule: error.rule)
            }
        case let error as SignedValueError:
            return MappedError(.badRequest, "bad-continuation", "Link no longer valid", error.description)
        case let error as InvitationUnavailable:
            return MappedError(
                error.resolution.httpStatus == 404 ? .notFound : .gone,
                error.resolution.outcome.replacingOccurrences(of: "_", with: "-"),
                "Invitation unavailable", error.description)
        case let error as HandoffError:
            switch error {
            case .unknown: return MappedError(.notFound, "handoff-unknown", "Unknown handoff", error.description)
            case .expired: return MappedError(.gone, "handoff-expired", "Handoff expired", error.description)
            case .alreadyClaimed:
                return MappedError(.conflict, "handoff-claimed", "Handoff already claimed", error.description)
            case .unavailable(let resolution):
                return MappedError(
                    resolution.httpStatus == 404 ? .notFound : .gone, "handoff-link-unavailable",
                    "Link no longer active", error.description)
            }
        case let error as HandoffSecretError:
            switch error {
            case .malformedToken: return invalid("token", "must be 22 characters of base64url")
            case .malformedCode:
                return invalid("code", "must be 8 characters of 2-9 and A-Z without I, L and O, as XXXX-XXXX")
            }
        case let error as ScanError:
            return invalid("text", error.description)
        case let error as LinkCodeError:
            return invalid("code", error.description)
        case let error as TagError:
            return invalid("tags", error.description)
        case let error as InvitationTokenError:
            return MappedError(.notFound, "not-found", "Not found", error.description)
        case let error as HTTPError:
            return MappedError(error.status, "http", error.status.reasonPhrase, error.body ?? error.status.reasonPhrase)
        default:
            return MappedError(.internalServerError, "internal", "Internal error", "the server failed; try again later")
        }
    }
}
