/// The kinds of contact an organization keeps (docs/ARCHITECTURE.md, "Messaging").
public enum ContactKind: String, Codable, Sendable, CaseIterable {
    case patient
    case professional
    case clinic
}

/// One of an organization's contacts, pointing at the patient account or the other organization when there is one.
public struct Contact: Equatable, Sendable {
    public let kind: ContactKind
    public let displayName: String
    public let patientID: PatientID?
    public let organizationID: OrganizationID?

    public init(kind: ContactKind, displayName: String, patientID: PatientID?, organizationID: OrganizationID?) {
        self.kind = kind
        self.displayName = displayName
        self.patientID = patientID
        self.organizationID = organizationID
    }
}
