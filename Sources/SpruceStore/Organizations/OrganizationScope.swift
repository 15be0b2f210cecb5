import SpruceCore

/// Which organizations' records a store operation may touch: said explicitly at every call.
public enum OrganizationScope: Sendable, Equatable {
    /// Any organization's: the operator's own tools (the command line).
    case everyOrganization
    /// Only this organization's: a caller acting for it (an API key). Another organization's record answers
    /// exactly like one that does not exist.
    case only(OrganizationID)

    /// Whether a record of `organizationID` is in scope.
    public func contains(_ organizationID: OrganizationID) -> Bool {
        switch self {
        case .everyOrganization: true
        case .only(let scoped): scoped == organizationID
        }
    }
}
