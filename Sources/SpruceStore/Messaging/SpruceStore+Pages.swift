import Foundation
import SQLKit
import SpruceCore

/// What a member's inbox page shows, read from one snapshot.
public struct InboxView: Sendable {
    public let organization: Organization
    public let page: InboxPage
    public let alerts: [Alert]
}

/// What a member's contacts page shows, read from one snapshot.
public struct ContactsView: Sendable {
    public let organization: Organization
    public let contacts: [Contact]
}

/// What a patient's **Get Care** page shows, read from one snapshot.
public struct CareView: Sendable {
    /// The practices and clinics the patient is connected to.
    public let practices: [Organization]
    /// The patient's conversations, newest activity first.
    public let conversations: [InboxEntry]
}

extension SpruceStore {
    /// A member's inbox page: their organization, a page of its conversations and the member's newest alerts.
    /// - Throws: ``MessagingError`` when `identity` is not a member.
    public func inboxView(
        as identity: Identity,
        filter: InboxFilter = .all,
        after cursor: InboxCursor? = nil,
        alertsShown: Int
    ) async throws -> InboxView {
        try await read { database in
            let member = try await Self.actingMember(identity, in: database)
            let organization = try await Self.memberOrganization(member, in: database)
            let page = try await Self.inboxPage(
                of: member.organizationID, filter: filter, after: cursor, limit: InboxPageSize.standard.count,
                in: database)
            let alerts = try await Self.alerts(as: identity, limit: alertsShown, in: database)
            return InboxView(organization: organization, page: page, alerts: alerts)
        }
    }

    /// A member's contacts page: their organization and its contacts.
    /// - Throws: ``MessagingError`` when `identity` is not a member.
    public func contactsView(as identity: Identity) async throws -> ContactsView {
        try await read { database in
            let member = try await Self.actingMember(identity, in: database)
            let organization = try await Self.memberOrganization(member, in: database)
            return ContactsView(
                organization: organization, contacts: try await Self.contacts(as: identity, in: database))
        }
    }

    /// A patient's **Get Care** page: the practices they are connected to and their conversations.
    /// - Throws: ``MessagingError`` when `identity` is not a patient.
    public func careView(as identity: Identity) async throws -> CareView {
        try await read { database in
            CareView(
                practices: try await Self.getCare(as: identity, in: database),
                conversations: try await Self.patientConversations(as: identity, in: database))
        }
    }

    private static func memberOrganization(_ member: Member, in database: any SQLDatabase) async throws
        -> Organization
    {
        guard let organization = try await organization(id: member.organizationID, in: database) else {
            throw StoreError.organizationNotFound(id: member.organizationID.rawValue)
        }
        return organization
    }
}
