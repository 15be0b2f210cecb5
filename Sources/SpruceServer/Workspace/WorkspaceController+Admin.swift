import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// The admins' pages: the public profile, the team and API keys. Each read and write is refused to staff by the
/// store itself.
extension WorkspaceController {
    static let profileFields = ["displayName", "specialty", "summary", "address", "phone", "website", "hours"]

    /// `GET /workspace/profile`: the public profile's form.
    func profilePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        try desk.scope.requireAdmin("edit the profile")
        let profile = desk.organization.profile
        let form: [String: Any] = [
            "displayName": profile.displayName, "specialty": profile.specialty ?? "", "summary": profile.summary ?? "",
            "address": profile.address ?? "", "phone": profile.phone ?? "", "website": profile.website ?? "",
            "hours": profile.hours ?? "", "accepting": profile.acceptsNewPatients,
        ]
        return renderProfile(desk: desk, form: form, errors: [:], status: .ok, request: request, context: context)
    }

    func renderProfile(
        desk: Desk, form: [String: Any], errors: [String: String], status: HTTPResponse.Status, request: Request,
        context: SpruceRequestContext
    ) -> Response {
        var values = values("Profile", tab: "profile", desk: desk, context: context)
        values["form"] = form
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["notice"] = Self.notice(FormData(query: request.uri.query))
        return pages.page("workspace-profile", values, status: status)
    }

    /// `POST /workspace/profile`: saves the profile with the same validation as `sprucelink org create`.
    func saveProfile(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = context.form
        var kept: [String: Any] = [:]
        for field in Self.profileFields { kept[field] = form[field] ?? "" }
        kept["accepting"] = form["acceptsNewPatients"] == "yes"
        let profile = ClinicProfile(
            displayName: form["displayName"] ?? "", kind: desk.organization.profile.kind,
            specialty: form.text("specialty"), summary: form.text("summary"), address: form.text("address"),
            phone: form.text("phone"), website: form.text("website"), hours: form.text("hours"),
            acceptsNewPatients: form["acceptsNewPatients"] == "yes")
        do {
            try await store.updateProfile(profile, of: desk.organization.id, in: desk.scope)
            directory.forgetProfile(of: desk.organization.id)
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            let name = ["name": "displayName", "description": "summary"][field] ?? field
            return renderProfile(
                desk: desk, form: kept, errors: [name: sentence], status: status, request: request, context: context)
        }
        return pages.redirect("/workspace/profile?notice=profile")
    }

    func memberID(_ context: SpruceRequestContext) throws -> MemberID {
        guard let raw = context.parameters.get("id", as: Int64.self), raw > 0 else { throw StoreError.memberNotFound }
        return MemberID(rawValue: raw)
    }

    /// `GET /workspace/team`: the members with their role and notification setting.
    func teamPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        return try await renderTeam(desk: desk, error: nil, status: .ok, request: request, context: context)
    }

    func renderTeam(
        desk: Desk, error: String?, form: [String: String] = [:], errors: [String: String] = [:],
        status: HTTPResponse.Status, request: Request, context: SpruceRequestContext
    ) async throws -> Response {
        let query = FormData(query: request.uri.query)
        let after = query.text("after").flatMap { Int64($0) }.map(MemberID.init(rawValue:))
        let page = try await store.members(
            in: desk.scope, of: desk.organization.id, after: after, limit: Self.pageSize + 1)
        let members = page.prefix(Self.pageSize)
        var values = values("Team", tab: "team", desk: desk, context: context)
        let csrf = pages.csrfToken(context)
        if page.count > Self.pageSize, let last = members.last {
            values["nextMembersHref"] = "/workspace/team?after=\(last.id.rawValue)"
        }
        if after != nil { values["firstMembersHref"] = "/workspace/team" }
        values["members"] = members.map { member -> [String: Any] in
            [
                "id": member.id.rawValue, "name": member.name, "email": member.email, "role": member.role.rawValue,
                "isAdmin": member.isAdmin, "notifications": member.notificationsOn ? "On" : "Off",
                "isYou": member.id == desk.member.id, "csrf": csrf,
                "otherRole": member.isAdmin ? "staff" : "admin",
            ]
        }
        let cursor = query.text("before").flatMap { Int64($0) }
        let pending = try await store.pendingTeamInvitations(
            in: desk.scope, of: desk.organization.id, before: cursor, limit: Self.pageSize + 1)
        values["pendingInvitations"] = pending.prefix(Self.pageSize).map { invitation -> [String: Any] in
            [
                "id": invitation.id, "name": invitation.name, "email": invitation.email,
                "role": invitation.role.rawValue, "sent": Self.shortDate(invitation.createdAt),
                "expires": Self.shortDate(invitation.expiresAt), "csrf": csrf,
            ]
        }
        values["hasPendingInvitations"] = !pending.isEmpty
        if pending.count > Self.pageSize, let last = pending.prefix(Self.pageSize).last {
            values["nextInvitationsHref"] = "/workspace/team?before=\(last.id)#pending"
        }
        if cursor != nil { values["firstInvitationsHref"] = "/workspace/team#pending" }
        values["error"] = error
        values["form"] = ["name": form["name"] ?? "", "email": form["email"] ?? "", "isAdmin": form["role"] == "admin"]
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["notice"] = Self.notice(FormData(query: request.uri.query))
        return pages.page("workspace-team", values, status: status)
    }

    /// `POST /workspace/team/{id}/role`: makes a member admin or staff (never the last admin staff).
    func setRole(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let role: MemberRole
        do { role = try MemberRole(parsing: context.form["role"] ?? "") } catch {
            throw ServerError.invalid("role", "must be admin or staff")
        }
        do {
            try await store.setRole(role, of: try memberID(context), in: desk.scope)
        } catch StoreError.lastAdmin {
            return try await renderTeam(
                desk: desk, error: ErrorMiddleware.sentence(StoreError.lastAdmin.description), status: .conflict,
                request: request, context: context)
        }
        return pages.redirect("/workspace/team?notice=role")
    }

    /// `POST /workspace/team/{id}/remove`: removes a member; their sessions end at once.
    func removeMember(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let id = try memberID(context)
        do {
            try await store.removeMember(id, in: desk.scope)
        } catch StoreError.lastAdmin {
            return try await renderTeam(
                desk: desk, error: ErrorMiddleware.sentence(StoreError.lastAdmin.description), status: .conflict,
                request: request, context: context)
        }
        if id == desk.member.id { return pages.redirect("/login") }
        return pages.redirect("/workspace/team?notice=removed")
    }

    /// `GET /workspace/api-keys`: the organization's keys (prefix, label, role, created, last used).
    func apiKeysPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        return try await renderKeys(
            desk: desk, created: nil, form: [:], errors: [:], status: .ok, request: request, context: context)
    }

    func renderKeys(
        desk: Desk, created: String?, form: [String: String], errors: [String: String], status: HTTPResponse.Status,
        request: Request, context: SpruceRequestContext
    ) async throws -> Response {
        let cursor = FormData(query: request.uri.query).text("before").flatMap { Int64($0) }
        let page = try await store.apiKeys(
            of: desk.organization.id, in: desk.scope, before: cursor, limit: Self.pageSize + 1)
        let keys = page.prefix(Self.pageSize)
        var values = values("API keys", tab: "keys", desk: desk, context: context)
        let csrf = pages.csrfToken(context)
        if page.count > Self.pageSize, let last = keys.last {
            values["nextHref"] = "/workspace/api-keys?before=\(last.id)"
        }
        if cursor != nil { values["firstHref"] = "/workspace/api-keys" }
        values["keys"] = keys.map { key -> [String: Any] in
            var row: [String: Any] = [
                "id": key.id, "prefix": key.keyPrefix, "label": key.label, "role": key.role.rawValue,
                "created": Self.shortDate(key.createdAt), "isActive": key.revokedAt == nil, "csrf": csrf,
                "lastUsed": key.lastUsedAt.map(Self.shortDate) ?? "Never",
            ]
            row["revoked"] = key.revokedAt.map(Self.shortDate)
            return row
        }
        values["created"] = created
        values["form"] = ["label": form["label"] ?? "", "isStaff": form["role"] == "staff"]
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["notice"] = Self.notice(FormData(query: request.uri.query))
        return pages.page("workspace-keys", values, status: status)
    }

    /// `POST /workspace/api-keys`: creates a key and shows it once.
    func createAPIKey(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = ["label": context.form["label"] ?? "", "role": context.form["role"] ?? "admin"]
        do {
            let role = try MemberRole(parsing: form["role"] ?? "admin")
            let (secret, _) = try await store.createAPIKey(
                for: desk.organization.id, label: form["label"] ?? "", role: role, in: desk.scope)
            return try await renderKeys(
                desk: desk, created: secret, form: [:], errors: [:], status: .created, request: request,
                context: context)
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            return try await renderKeys(
                desk: desk, created: nil, form: form, errors: [field: sentence], status: status, request: request,
                context: context)
        }
    }

    /// `POST /workspace/api-keys/{id}/revoke`: the key stops working at once.
    func revokeAPIKey(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        guard let id = context.parameters.get("id", as: Int64.self) else { throw ServerError(.notFound) }
        do {
            try await store.revokeAPIKey(id: id, in: desk.scope)
        } catch StoreError.invalidInput {
            throw ServerError(.notFound)
        }
        return pages.redirect("/workspace/api-keys?notice=key-revoked")
    }
}
