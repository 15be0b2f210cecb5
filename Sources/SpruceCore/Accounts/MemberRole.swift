/// What a member of an organization may do. Admins do everything; staff see links and download their codes,
/// invite patients and follow invitations, but do not mint or disable links, change QR colors, edit the
/// profile, or manage the team or API keys.
public enum MemberRole: String, CaseIterable, Sendable, Codable, CustomStringConvertible {
    case admin
    case staff

    public var description: String { rawValue }

    /// Reads `admin` or `staff` (any case, surrounding spaces ignored).
    /// - Throws: ``AccountError/invalid(field:rule:)`` naming the field `role`.
    public init(parsing text: String) throws(AccountError) {
        guard let role = MemberRole(rawValue: text.trimmingWhitespace().lowercased()) else {
            throw .invalid(field: "role", rule: "must be admin or staff")
        }
        self = role
    }
}
