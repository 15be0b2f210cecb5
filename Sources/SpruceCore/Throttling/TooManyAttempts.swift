import Foundation

/// Something was counted too often under a ``RatePolicy``: the one "too many" error of the store and the server
/// (HTTP 429 with `Retry-After`).
public struct TooManyAttempts: Error, Equatable, Sendable, CustomStringConvertible {
    /// What was counted, as the visitor is told: "failed logins for this account from this address".
    public let scope: String
    public let policy: RatePolicy
    /// Seconds until the next attempt can pass.
    public let retryAfter: TimeInterval

    public init(scope: String, policy: RatePolicy, retryAfter: TimeInterval) {
        self.scope = scope
        self.policy = policy
        self.retryAfter = max(1, retryAfter.rounded(.up))
    }

    public var description: String {
        if policy.growingDelay != nil {
            return "too many \(scope): wait \(RatePolicy.duration(retryAfter)) before trying again"
        }
        return "too many \(scope): \(policy); try again in \(RatePolicy.duration(retryAfter))"
    }
}
