import Foundation
import SpruceCore

/// A patient's session in the app: what a bearer token of the app API stands for. A separate kind of token from
/// organizations' API keys (``APIKey``) and browser sessions (``Session``); only its digest is stored, it is
/// listed among the patient's sessions and revocable, and it never expires by itself.
public struct AppSession: Equatable, Sendable {
    /// The visible start of every app token, so that one is easy to tell from an API key (`spk_`) in a leak.
    public static let prefix = "spa_"

    public let id: Int64
    public let patientID: PatientID
    /// What the app said it is ("Ana's iPhone"), for the list of sessions.
    public let label: String
    public let createdAt: Date
    /// When the token was last used, to within five minutes.
    public let lastUsedAt: Date

    public init(id: Int64, patientID: PatientID, label: String, createdAt: Date, lastUsedAt: Date) {
        self.id = id
        self.patientID = patientID
        self.label = label
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
    }

    /// A new random token: `spa_` and 43 characters of base64url (256 bits).
    public static func generateSecret() -> String { prefix + Base64URL.random(bytes: 32) }
}
