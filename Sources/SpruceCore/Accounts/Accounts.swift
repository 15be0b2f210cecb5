import Foundation

/// The stored id of a member.
public typealias MemberID = StoredID<Member>

/// The stored id of a patient.
public typealias PatientID = StoredID<Patient>

/// A member of an organization's staff.
public struct Member: Equatable, Sendable {
    public let id: MemberID
    public let organizationID: OrganizationID
    public var name: String
    public var email: String
    /// Whether the member gets alerts (new clinic contact, new conversation, new message).
    public var notificationsOn: Bool
    /// What the member may do in the organization's workspace.
    public var role: MemberRole

    public init(
        id: MemberID, organizationID: OrganizationID, name: String, email: String, notificationsOn: Bool,
        role: MemberRole = .staff
    ) {
        self.id = id
        self.organizationID = organizationID
        self.name = name
        self.email = email
        self.notificationsOn = notificationsOn
        self.role = role
    }

    /// Whether the member is an admin of the organization.
    public var isAdmin: Bool { role == .admin }
}

/// A patient's account.
public struct Patient: Equatable, Sendable {
    public let id: PatientID
    public var name: String
    public var email: String?
    public var phone: String?
    /// Whether the patient has a secure (verified, password-protected) account, needed for group conversations.
    public var hasSecureAccount: Bool

    public init(id: PatientID, name: String, email: String?, phone: String?, hasSecureAccount: Bool) {
        self.id = id
        self.name = name
        self.email = email
        self.phone = phone
        self.hasSecureAccount = hasSecureAccount
    }
}

/// Who is acting: every read and write in the core takes one, and authorization is decided from it.
public enum Identity: Equatable, Sendable {
    case anonymous
    case patient(PatientID)
    case member(MemberID, of: OrganizationID)
}

/// The fields a new account is made from, checked by ``validated()``.
public struct AccountDetails: Equatable, Sendable {
    public static let nameLimit = 120
    public static let emailLimit = 254
    public static let phoneLimit = 32

    public var name: String
    public var email: String?
    public var phone: String?
    public var password: String

    public init(name: String, email: String? = nil, phone: String? = nil, password: String) {
        self.name = name
        self.email = email
        self.phone = phone
        self.password = password
    }

    /// Trims, case-folds the email and checks every field.
    /// - Throws: ``AccountError`` naming the field and the rule.
    public func validated(requireEmail: Bool = false) throws(AccountError) -> AccountDetails {
        var copy = self
        copy.name = name.trimmingWhitespace()
        guard !copy.name.isEmpty else { throw .invalid(field: "name", rule: "is empty") }
        guard copy.name.count <= Self.nameLimit else {
            throw .invalid(field: "name", rule: "is longer than \(Self.nameLimit) characters")
        }
        if let rule = FreeText.violation(in: copy.name) { throw .invalid(field: "name", rule: rule) }
        if let email, email.count > Self.emailLimit {
            throw .invalid(field: "email", rule: "is longer than \(Self.emailLimit) characters")
        }
        if let phone, phone.count > Self.phoneLimit {
            throw .invalid(field: "phone", rule: "is longer than \(Self.phoneLimit) characters")
        }
        do throws(InvitationInputError) {
            if let email, !email.trimmingWhitespace().isEmpty {
                copy.email = try EmailAddress(parsing: email).address
            } else {
                copy.email = nil
            }
            if let phone, !phone.trimmingWhitespace().isEmpty {
                let number = try PhoneNumber(parsing: phone)
                try number.requireTexts()
                copy.phone = number.e164
            } else {
                copy.phone = nil
            }
        } catch {
            throw .invalid(field: error.field, rule: error.rule)
        }
        if requireEmail && copy.email == nil { throw .invalid(field: "email", rule: "is required") }
        guard copy.email != nil || copy.phone != nil else {
            throw .invalid(field: "email", rule: "or a phone number is required")
        }
        try PasswordPolicy.check(password)
        return copy
    }
}

/// What a password must be: long enough to resist guessing, short enough not to be a denial of service.
public enum PasswordPolicy {
    public static let lengths = 10...256

    public static func check(_ password: String) throws(AccountError) {
        guard password.count >= lengths.lowerBound else {
            throw .invalid(field: "password", rule: "is shorter than \(lengths.lowerBound) characters")
        }
        guard password.utf8.count <= lengths.upperBound else {
            throw .invalid(field: "password", rule: "is longer than \(lengths.upperBound) bytes")
        }
    }
}

/// Why an account could not be created or used.
public enum AccountError: Error, Equatable, Sendable, CustomStringConvertible {
    case invalid(field: String, rule: String)
    case emailTaken
    case phoneTaken
    case wrongCredentials

    public var description: String {
        switch self {
        case .invalid(let field, let rule): "\(field) \(rule)"
        case .emailTaken: "an account with this email already exists"
        case .phoneTaken: "an account with this phone number already exists"
        case .wrongCredentials: "email or password is wrong"
        }
    }
}
