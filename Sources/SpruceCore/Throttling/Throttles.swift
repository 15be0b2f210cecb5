import Foundation

/// Every rate limit of the service, each a ``RatePolicy`` kept in the database (so every instance sees the same
/// counts). Logins count *failures* only, keyed by the normalized account (``LoginName``) and the client, by the
/// client alone, and by the account across all clients; guesses from one client never stop the owner on another.
public struct Throttles: Equatable, Sendable {
    /// Failed logins from one client, whatever the account.
    public var loginFailuresPerClient: RatePolicy
    /// Failed logins for one account from one client.
    public var loginFailuresPerAccountAndClient: RatePolicy
    /// Failed logins for one account from all clients together: past it, growing delays, never a lock-out.
    public var loginFailuresPerAccount: RatePolicy
    /// Signups from one client.
    public var signupsPerClient: RatePolicy
    /// Connect requests by one visitor (an anonymous client, a patient, a member).
    public var connectsPerVisitor: RatePolicy
    /// Connect requests that create something (logged-in visitors) toward one organization.
    public var connectsPerOrganization: RatePolicy
    /// Messages sent by one account.
    public var messagesPerSender: RatePolicy
    /// Print documents one member downloads (each a PDF rendered on the server).
    public var printsPerMember: RatePolicy
    /// Password reset requests from one client.
    public var resetRequestsPerClient: RatePolicy
    /// Codes and notices sent to one address (signup, resend, password reset), whoever asks.
    public var codesPerAddress: RatePolicy
    /// New codes asked for one pending signup or reset.
    public var resendsPerRequest: RatePolicy
    /// Notices to an account's owner that its failed-login budget was exceeded: once per window.
    public var ownerNotices: RatePolicy
    /// Handoffs ("Get the App & Connect") one client creates.
    public var handoffsPerClient: RatePolicy = RatePolicy(limit: 20, window: 15 * 60)
    /// Handoff claims (by token or connect code) from one client, successful or not.
    public var handoffClaimsPerClient: RatePolicy = RatePolicy(limit: 10, window: 15 * 60)
    /// Failed handoff claims from all clients together: what bounds guessing connect codes from many addresses.
    public var handoffClaimFailures: RatePolicy = RatePolicy(limit: 1_000, window: 60 * 60)
    /// Requests to the app API from one client.
    public var appRequestsPerClient: RatePolicy = RatePolicy(limit: 600, window: 60)

    public init(
        loginFailuresPerClient: RatePolicy = RatePolicy(limit: 30, window: 15 * 60),
        loginFailuresPerAccountAndClient: RatePolicy = RatePolicy(limit: 5, window: 15 * 60),
        loginFailuresPerAccount: RatePolicy = RatePolicy(limit: 20, window: 60 * 60, growingDelay: .init()),
        signupsPerClient: RatePolicy = RatePolicy(limit: 10, window: 15 * 60),
        connectsPerVisitor: RatePolicy = RatePolicy(limit: 30, window: 15 * 60),
        connectsPerOrganization: RatePolicy = RatePolicy(limit: 1_000, window: 15 * 60),
        messagesPerSender: RatePolicy = RatePolicy(limit: 60, window: 60),
        printsPerMember: RatePolicy = RatePolicy(limit: 60, window: 15 * 60),
        resetRequestsPerClient: RatePolicy = RatePolicy(limit: 10, window: 15 * 60),
        codesPerAddress: RatePolicy = RatePolicy(limit: 5, window: 60 * 60),
        resendsPerRequest: RatePolicy = RatePolicy(limit: 1, window: 60),
        ownerNotices: RatePolicy = RatePolicy(limit: 1, window: 60 * 60)
    ) {
        self.loginFailuresPerClient = loginFailuresPerClient
        self.loginFailuresPerAccountAndClient = loginFailuresPerAccountAndClient
        self.loginFailuresPerAccount = loginFailuresPerAccount
        self.signupsPerClient = signupsPerClient
        self.connectsPerVisitor = connectsPerVisitor
        self.connectsPerOrganization = connectsPerOrganization
        self.messagesPerSender = messagesPerSender
        self.printsPerMember = printsPerMember
        self.resetRequestsPerClient = resetRequestsPerClient
        self.codesPerAddress = codesPerAddress
        self.resendsPerRequest = resendsPerRequest
        self.ownerNotices = ownerNotices
    }

    /// No limits: for tests and imports.
    public static let unlimited = Throttles(
        loginFailuresPerClient: .unlimited, loginFailuresPerAccountAndClient: .unlimited,
        loginFailuresPerAccount: .unlimited, signupsPerClient: .unlimited, connectsPerVisitor: .unlimited,
        connectsPerOrganization: .unlimited, messagesPerSender: .unlimited, printsPerMember: .unlimited,
        resetRequestsPerClient: .unlimited, codesPerAddress: .unlimited, resendsPerRequest: .unlimited,
        ownerNotices: RatePolicy(limit: 1, window: 60 * 60)
    )
    .withoutAppLimits()

    func withoutAppLimits() -> Throttles {
        var throttles = self
        throttles.handoffsPerClient = .unlimited
        throttles.handoffClaimsPerClient = .unlimited
        throttles.handoffClaimFailures = .unlimited
        throttles.appRequestsPerClient = .unlimited
        return throttles
    }
}
