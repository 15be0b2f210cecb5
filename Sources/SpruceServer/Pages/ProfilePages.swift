import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

extension Site {
    /// `GET /{code}`: the clinic profile with its QR code and **Connect with ⟨practice⟩**, or the 404/410 page.
    func profilePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
            return unavailablePage(.notFound, context: context)
        }
        let organizationID: OrganizationID
        let profile: ClinicProfile
        switch try await resolve(code) {
        case .active(let link, let found):
            (organizationID, profile) = (link.organizationID, found)
        case .unavailable(let resolution):
            return unavailablePage(resolution, context: context)
        }
        // A logged-out visitor without a query string sees the organization's page with the link's code and their
        // own CSRF token: copied from the organization's skeleton instead of rendered.
        if context.session == nil, (request.uri.query ?? "").isEmpty,
            let page = anonymousProfilePage(code, organizationID: organizationID, profile: profile, csrf: csrfToken(context))
        {
            return htmlResponse(page)
        }
        let visitor = try await visitor(context)
        return renderProfile(
            profile, code: code.rawValue, connectAction: "/\(code.rawValue)/connect", invitation: nil,
            attribution: request.uri.query, context: context, visitor: visitor)
    }

    /// `GET /i/{token}`: the profile reached through a private invitation, or why the invitation no longer works.
    func invitationPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let token = try? InvitationToken(context.parameters.get("token") ?? "") else {
            return unavailablePage(.notFound, context: context)
        }
        let resolution = try await store.resolve(invitation: token)
        metrics.resolved(resolution)
        guard case .found(let link, let profile, let invitation) = resolution else {
            return unavailablePage(resolution, context: context)
        }
        let visitor = try await visitor(context)
        return renderProfile(
            profile, code: link.code.rawValue, connectAction: "/i/\(token.rawValue)/connect", invitation: invitation,
            attribution: request.uri.query, context: context, visitor: visitor)
    }

    func renderProfile(
        _ profile: ClinicProfile,
        code: String,
        connectAction: String,
        invitation: Invitation?,
        attribution: String?,
        context: SpruceRequestContext,
        visitor: Visitor
    ) -> Response {
        page("profile", profileValues(
            profile, code: code, connectAction: connectAction, invitation: invitation, attribution: attribution,
            csrf: csrfToken(context), visitor: visitor))
    }

    func profileValues(
        _ profile: ClinicProfile,
        code: String,
        connectAction: String,
        invitation: Invitation?,
        attribution: String?,
        csrf: String,
        visitor: Visitor
    ) -> [String: Any] {
        var values = pageValues(profile.displayName, csrf: csrf, visitor: visitor)
        var profileValues: [String: Any] = [
            "displayName": profile.displayName, "monogram": profile.monogram,
            "acceptsNewPatients": profile.acceptsNewPatients,
        ]
        profileValues["specialty"] = profile.specialty
        profileValues["summary"] = profile.summary
        profileValues["address"] = profile.address
        profileValues["phone"] = profile.phone
        // Only http(s) websites become links (the profile validator requires it; checked again here).
        if let website = profile.website, website.lowercased().hasPrefix("https://") || website.lowercased().hasPrefix("http://") {
            profileValues["website"] = website
        }
        profileValues["hours"] = profile.hours
        values["profile"] = profileValues
        values["code"] = code
        values["linkURL"] = configuration.publicURL + "/" + code
        values["connectAction"] = connectAction
        if let attribution, !attribution.isEmpty, attribution.utf8.count <= 512 { values["attribution"] = attribution }
        if let invitation { values["invitation"] = ["name": invitation.recipient.name as Any] as [String: Any] }
        return values
    }

    /// The profile page a logged-out visitor sees, from the organization's skeleton; nil when it has none.
    func anonymousProfilePage(
        _ code: LinkCode,
        organizationID: OrganizationID,
        profile: ClinicProfile,
        csrf: String
    ) -> ByteBuffer? {
        profilePages.value(for: organizationID, profile, make: profileSkeleton)?.filled([code.rawValue, csrf])
    }

    /// The page a logged-out visitor sees for any of the organization's links, with slots 0 (the code) and 1 (the
    /// visitor's CSRF token).
    @Sendable func profileSkeleton(_ profile: ClinicProfile) -> Skeleton? {
        let code = Skeleton.marker("code")
        let values = profileValues(
            profile, code: code, connectAction: "/\(code)/connect", invitation: nil, attribution: nil,
            csrf: Skeleton.marker("csrf"), visitor: .anonymous)
        return Skeleton(render("profile", values), slots: ["code", "csrf"])
    }

    /// The 404 or 410 page of a link that does not lead anywhere (DESIGN §2.5), with the resolution's message.
    func unavailablePage(_ resolution: Resolution, context: SpruceRequestContext) -> Response {
        let status: HTTPResponse.Status = resolution.httpStatus == 404 ? .notFound : .gone
        let heading = resolution.httpStatus == 404 ? "Link not found" : "Link no longer active"
        return messagePage(
            status: status, heading: heading, text: resolution.message, link: ("/", "Spruce home"), context: context)
    }

    /// `POST /{code}/connect` and `POST /i/{token}/connect`: the connect flow of DESIGN §4 for whoever is visiting.
    func connect(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let target: ScannedLink.Target
        if let tokenText = context.parameters.get("token") {
            guard let token = try? InvitationToken(tokenText) else { return unavailablePage(.notFound, context: context) }
            target = .invitation(token)
        } else {
            guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
                return unavailablePage(.notFound, context: context)
            }
            target = .practice(code)
        }
        let visitor = try await visitor(context)
        let outcome = try await store.connect(visitor: visitor, via: target, rateKey: context.clientAddress)
        return outcomeResponse(outcome, context: context, visitor: visitor)
    }

    /// What the browser is shown for a connect outcome.
    func outcomeResponse(_ outcome: ConnectOutcome, context: SpruceRequestContext, visitor: Visitor) -> Response {
        metrics.connected(outcome)
        switch outcome {
        case .signupRequired(let continuation, _):
            return redirect("/signup?continuation=" + continuation)
        case .connected(let id, _), .clinicsConnected(let id, _):
            return redirect("/conversations/\(id.rawValue)")
        case .confirmClinicConnection(_, let token):
            return redirect("/inbox?prompt=" + token)
        case .declined:
            return redirect("/inbox")
        case .ownPractice:
            return messagePage(
                status: .ok, heading: "This is your own practice link",
                text: "Patients who open it can connect with your practice. Nothing was created.",
                link: ("/inbox", "Back to your inbox"), context: context, visitor: visitor)
        case .unavailable(let resolution):
            return unavailablePage(resolution, context: context)
        }
    }
}
