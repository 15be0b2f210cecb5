import SpruceCore

/// Which organizations' records a store operation may touch, and with which rights: said explicitly at every
/// call, and checked by the operation itself (not only by the pages hiding a button).
public enum OrganizationScope: Sendable, Equatable {
    /// Any organization's, with every right: the operator's own tools (the command line).
    case everyOrganization
    /// Only this organization's, with an admin's rights: an admin member, or an admin API key. Another
    /// organization's record answers exactly like one that does not exist.
    case only(OrganizationID)
    /// Only this organization's, with staff rights: see links and download their codes, invite patients, follow
    /// invitations. Admin actions are refused with ``StoreError/forbidden(_:)``.
    case staff(OrganizationID)

    /// The scope of a member or an API key of `organizationID` with `role`.
    public static func role(_ role: MemberRole, of organizationID: OrganizationID) -> OrganizationScope {
        role == .admin ? .only(organizationID) : .staff(organizationID)
    }

    /// The one organization in scope, `nil` for every organization.
    public var organizationID: OrganizationID? {
        switch self {
        case .everyOrganization: nil
        case .only(let id), .staff(let id): id
        }
    }

    /// Whether a record of `organizationID` is in scope (to read it, or to do a staff action on it).
    public func contains(_ organizationID: OrganizationID) -> Bool {
        self.organizationID.map { $0 == organizationID } ?? true
    }

    /// Whether admin actions are allowed.
    public var isAdmin: Bool {
        if case .staff = self { return false }
        return true
    }

    /// Refuses an admin action for staff.
    /// - Parameter action: what was refused, as a phrase ("mint links").
    /// - Throws: ``StoreError/forbidden(_:)``.
    public func requireAdmin(_ action: String) throws(StoreError) {
        guard isAdmin else { throw StoreError.forbidden("only an admin of the practice may \(action)") }
    }
}
