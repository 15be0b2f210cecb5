import Foundation
import SpruceCore

/// A browser session as stored: who is logged in, the secret its CSRF tokens are bound to, and when it ends.
///
/// The session id itself is never stored, only its SHA-256 digest, so a copy of the database cannot be used to
/// take over a session.
public struct Session: Equatable, Sendable {
    /// How long a session lasts from login, unless configured otherwise.
    public static let defaultLifetime: TimeInterval = 12 * 60 * 60

    public let identity: Identity
    /// Random, per session; CSRF tokens of the session's forms are derived from it.
    public let csrfSecret: String
    public let createdAt: Date
    public let expiresAt: Date

    public init(identity: Identity, csrfSecret: String, createdAt: Date, expiresAt: Date) {
        self.identity = identity
        self.csrfSecret = csrfSecret
        self.createdAt = createdAt
        self.expiresAt = expiresAt
    }
}

/// How long sessions last: an absolute lifetime from login and an idle timeout (a session unused for that long
/// ends), each for members and for patients.
public struct SessionTimeouts: Equatable, Sendable {
    public var memberIdle: TimeInterval
    public var patientIdle: TimeInterval
    public var memberLifetime: TimeInterval
    public var patientLifetime: TimeInterval
    /// A session's last use is written at most this often, so a busy session does not write on every request.
    public static let touchInterval: TimeInterval = 60

    public init(
        memberIdle: TimeInterval = 30 * 60,
        patientIdle: TimeInterval = 7 * 24 * 60 * 60,
        memberLifetime: TimeInterval = 12 * 60 * 60,
        patientLifetime: TimeInterval = 30 * 24 * 60 * 60
    ) {
        self.memberIdle = memberIdle
        self.patientIdle = patientIdle
        self.memberLifetime = memberLifetime
        self.patientLifetime = patientLifetime
    }

    public func idle(for identity: Identity) -> TimeInterval {
        if case .member = identity { return memberIdle }
        return patientIdle
    }

    public func lifetime(for identity: Identity) -> TimeInterval {
        if case .member = identity { return memberLifetime }
        return patientLifetime
    }
}

/// The secret half of a session: the random id the browser holds in its cookie. Shown once, stored as a digest.
public struct SessionToken: Hashable, Sendable, CustomStringConvertible {
    public let rawValue: String

    /// Reads a token that came back in a cookie: 43 characters of base64url (256 bits).
    public init?(_ text: String) {
        guard text.utf8.count == 43, text.utf8.allSatisfy(Base64URL.isLetter) else { return nil }
        self.rawValue = text
    }

    init(generated: String) { self.rawValue = generated }

    /// A new random token of 256 bits from the system's secure generator.
    public static func generate() -> SessionToken { SessionToken(generated: Base64URL.random(bytes: 32)) }

    public var digest: TokenDigest { TokenDigest(hashing: rawValue) }
    public var description: String { "SessionToken(redacted)" }
}

/// An integrator's API key record: which organization it acts for. The key itself is shown once, stored hashed.
public struct APIKey: Equatable, Sendable {
    /// The visible start of every key, so that a leaked key is easy to recognise in logs and scanners.
    public static let prefix = "spk_"

    public let id: Int64
    public let organizationID: OrganizationID
    /// The first characters of the key, enough to tell keys apart in a list, never enough to use one.
    public let keyPrefix: String
    public let label: String
    public let createdAt: Date
    public let revokedAt: Date?
    /// What the key may do: an admin key everything the API offers, a staff key no admin action.
    public let role: MemberRole
    /// When the key was last used, to the minute; `nil` when never.
    public let lastUsedAt: Date?

    public init(
        id: Int64, organizationID: OrganizationID, keyPrefix: String, label: String, createdAt: Date, revokedAt: Date?,
        role: MemberRole = .admin, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.organizationID = organizationID
        self.keyPrefix = keyPrefix
        self.label = label
        self.createdAt = createdAt
        self.revokedAt = revokedAt
        self.role = role
        self.lastUsedAt = lastUsedAt
    }

    /// The scope requests made with this key act in.
    public var scope: OrganizationScope { .role(role, of: organizationID) }

    /// A new random key: `spk_` and 43 characters of base64url (256 bits).
    public static func generateSecret() -> String { prefix + Base64URL.random(bytes: 32) }
}
