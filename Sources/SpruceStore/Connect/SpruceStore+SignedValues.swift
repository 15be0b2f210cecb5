import Foundation
import SpruceCore

extension SpruceStore {
    /// The signup continuation `text` carries, when it verifies under the store's signing key and has not expired;
    /// for display only (whether it can still be spent is decided when it is).
    public func verifiedContinuation(_ text: String, at now: Date = Date()) -> SignupContinuation? {
        try? SignedValue<SignupContinuation>.verify(
            text, purpose: SignupContinuation.purpose, key: settings.signingKey, at: now
        ).payload
    }

    /// The clinic prompt `token` carries, when it verifies, has not expired and was made for `memberID`; for
    /// display only (answering it checks it again).
    public func verifiedPrompt(_ token: String, for memberID: MemberID, at now: Date = Date()) -> ClinicPrompt? {
        guard
            let prompt = try? SignedValue<ClinicPrompt>.verify(
                token, purpose: ClinicPrompt.purpose, key: settings.signingKey, at: now),
            prompt.payload.memberID == memberID
        else { return nil }
        return prompt.payload
    }
}
