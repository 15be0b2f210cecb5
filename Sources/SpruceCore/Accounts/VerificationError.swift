/// Why a code was not accepted. The messages say what to do next and never whether an account exists.
public enum VerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not six digits.
    case malformed
    /// Wrong; `triesLeft` more may be made before the code is spent.
    case wrongCode(triesLeft: Int)
    /// Five wrong codes: this code can no longer be used.
    case tooManyTries
    /// Older than ten minutes.
    case expired
    /// Nothing is waiting for a code under this request: it was used, replaced by a new signup, or never existed.
    case unknownRequest

    public var description: String {
        switch self {
        case .malformed: "code must be the 6 digits we sent"
        case .wrongCode(let left):
            "code is wrong; \(left) \(left == 1 ? "try" : "tries") left before you need a new code"
        case .tooManyTries: "code was entered wrong too many times; send a new code"
        case .expired: "code has expired (codes last 10 minutes); send a new code"
        case .unknownRequest: "code request is no longer pending; start again"
        }
    }
}
