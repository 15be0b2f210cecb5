import Foundation

/// Where an account message goes: an email address or a mobile number (E.164).
public enum AccountAddress: Hashable, Sendable, CustomStringConvertible {
    case email(String)
    case phone(String)

    public var description: String {
        switch self {
        case .email(let address): address
        case .phone(let number): number
        }
    }
}

/// A message about an account, sent by email or text through the same delivery as invitations: a code, or a
/// notice to the owner.
public struct AccountMessage: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// The code that proves a new account's address.
        case signupCode(VerificationCode)
        /// Someone tried to sign up with an address that already has an account: no code, a notice.
        case signupAttempt
        /// The code that lets the owner choose a new password.
        case resetCode(VerificationCode)
        /// More failed logins than the account's budget, from all clients together.
        case failedLogins(count: Int)
    }

    public let kind: Kind
    public let to: AccountAddress
    /// The person's name when known, for the greeting.
    public let name: String?

    public init(_ kind: Kind, to: AccountAddress, name: String? = nil) {
        self.kind = kind
        self.to = to
        self.name = name
    }

    /// The email subject.
    public var subject: String {
        switch kind {
        case .signupCode: "Your Spruce verification code"
        case .signupAttempt: "Someone tried to sign up with your address"
        case .resetCode: "Your Spruce password reset code"
        case .failedLogins: "Failed logins to your Spruce account"
        }
    }

    /// The text of the message (the whole text message, or the email's body).
    public func body(site: String) -> String {
        let greeting = name.map { "Hello \($0),\n\n" } ?? "Hello,\n\n"
        switch kind {
        case .signupCode(let code):
            return greeting
                + "Your Spruce verification code is \(code.digits). Enter it on the signup page within 10 minutes."
                + "\n\nIf you did not sign up, ignore this message.\n"
        case .signupAttempt:
            return greeting
                + "Someone tried to sign up at \(site) with your address, which already has an account."
                + " If it was you, log in or reset your password at \(site)/password/forgot."
                + " If not, you can ignore this message: nothing was changed.\n"
        case .resetCode(let code):
            return greeting
                + "Your Spruce password reset code is \(code.digits). Enter it within 10 minutes to choose a new"
                + " password. If you did not ask for it, ignore this message: your password stays as it is.\n"
        case .failedLogins(let count):
            return greeting
                + "There were \(count) failed attempts to log in to your Spruce account within the last hour."
                + " Further attempts now wait longer and longer; you can still log in as usual."
                + " If it was not you, choose a new password at \(site)/password/forgot.\n"
        }
    }

    /// The text message: the body on one paragraph, short enough for one or two segments.
    public func textBody(site: String) -> String {
        switch kind {
        case .signupCode(let code): "Spruce code: \(code.digits). It expires in 10 minutes."
        case .resetCode(let code): "Spruce password reset code: \(code.digits). It expires in 10 minutes."
        case .signupAttempt:
            "Someone tried to sign up to Spruce with your number, which already has an account. Log in or reset"
                + " your password at \(site)/password/forgot"
        case .failedLogins(let count):
            "\(count) failed logins to your Spruce account within an hour. If it was not you, reset your password at"
                + " \(site)/password/forgot"
        }
    }
}

/// Delivers account messages (codes, notices). The store calls it after the transaction that made the message
/// commits; the delivery module implements it with the invitations' outbox or sendmail.
public protocol AccountMessenger: Sendable {
    /// Delivers `message`, or throws when it could not be handed over.
    func deliver(_ message: AccountMessage) async throws
}
