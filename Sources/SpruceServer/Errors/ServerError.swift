import SpruceCore

/// A refusal decided by the web layer itself: a missing login, a bad CSRF token, a malformed request.
struct ServerError: Error, Equatable, Sendable, CustomStringConvertible {
    enum Reason: Equatable, Sendable {
        case loginRequired
        case apiKeyRequired
        case appTokenRequired
        /// A link or invitation that does not work (any more): 404 or 410 as on the web.
        case linkUnavailable(Resolution)
        case csrfRejected
        case invalid(field: String, rule: String)
        /// A well-formed request whose field breaks a rule (422).
        case unprocessable(field: String, rule: String)
        case notFound
        case forbidden(String)
        case unsupportedMediaType(String)
        /// A body past its limit (413): what was too large and the limit, in words.
        case tooLarge(String)
    }

    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    static func invalid(_ field: String, _ rule: String) -> ServerError {
        ServerError(.invalid(field: field, rule: rule))
    }

    var description: String {
        switch reason {
        case .loginRequired: "log in to see this page"
        case .apiKeyRequired: "Authorization: an API key is required (Authorization: Bearer spk_…)"
        case .appTokenRequired: "Authorization: an app token is required (Authorization: Bearer spa_…)"
        case .linkUnavailable(let resolution): resolution.message
        case .csrfRejected: "the form's security token is missing or wrong; reload the page and try again"
        case .invalid(let field, let rule), .unprocessable(let field, let rule): "\(field) \(rule)"
        case .notFound: "there is nothing at this address"
        case .forbidden(let reason): reason
        case .unsupportedMediaType(let expected): "Content-Type must be \(expected)"
        case .tooLarge(let rule): rule
        }
    }
}
