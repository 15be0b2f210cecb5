import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// Practice links and private invitations in a browser: the profile page with **Connect**, what an unusable link
/// says, the connect itself, and the link's QR images.
struct PublicLinksController: Sendable {
    static let profilePage = Endpoint(.get, "/{code}")
    static let connect = Endpoint(.post, "/{code}/connect")
    static let qrPNG = Endpoint(.get, "/{code}/qr.png")
    static let qrSVG = Endpoint(.get, "/{code}/qr.svg")
    static let invitationPage = Endpoint(.get, "/i/{token}")
    static let invitationConnect = Endpoint(.post, "/i/{token}/connect")

    let store: SpruceStore
    let links: LinkLookup
    let profilePages: ProfilePages
    let pages: PageRenderer
    let visitors: Visitors
    let connectResponses: ConnectResponses
    let qrImages: QRImageMaker
    let funnel: FunnelRecorder?
    /// The app phones are offered on these pages (``AppOffer``); none leaves the pages browser-only.
    let app: AppConfiguration

    /// - Parameters:
    ///   - browser: the group of browser pages (session and CSRF middleware).
    ///   - images: a group without sessions: QR images are the same for everyone.
    func addRoutes(browser: RouterGroup<SpruceRequestContext>, images: RouterGroup<SpruceRequestContext>) {
        // Practice links' first segment is anything that is not a reserved word; the router tries the fixed
        // segments of the other areas first.
        browser.on(Self.profilePage, use: profilePage)
        browser.on(Self.connect, use: connect)
        browser.on(Self.invitationPage, use: invitationPage)
        browser.on(Self.invitationConnect, use: connect)
        images.on(Self.qrPNG) { try await qrImage($0, context: $1, format: .png) }
        images.on(Self.qrSVG) { try await qrImage($0, context: $1, format: .svg) }
    }

    /// `GET /{code}`: the clinic profile with its QR code and **Connect with ⟨practice⟩**, or the 404/410 page.
    func profilePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
            return pages.unavailablePage(.notFound, context: context)
        }
        let organizationID: OrganizationID
        let profile: ClinicProfile
        switch try await links.resolve(code) {
        case .active(let link, let found):
            (organizationID, profile) = (link.organizationID, found)
        case .unavailable(let resolution):
            return pages.unavailablePage(resolution, context: context)
        }
        let query = request.uri.query ?? ""
        let isScan = ScanMarker.isMarker(query.utf8)
        funnel?.countView(
            .page, code: code, organization: organizationID, isScan: isScan,
            traits: FunnelRecorder.Traits(request, context: context))
        let appOffer = AppOffer.make(
            app: app, userAgent: request.headers[.userAgent],
            universalLink: profilePages.publicURL + "/" + code.rawValue,
            handoffAction: "/\(code.rawValue)/app")
        // A logged-out visitor without a query string (or with only the scan marker) sees the organization's page
        // with the link's code and their own CSRF token: copied from the organization's skeleton instead of rendered.
        // Phones offered the app get their page rendered.
        if context.session == nil, appOffer == nil, query.isEmpty || isScan,
            let page = profilePages.anonymousPage(
                code, organizationID: organizationID, profile: profile, csrf: pages.csrfToken(context))
        {
            return profilePages.response(page)
        }
        let visitor = try await visitors.visitor(context)
        return profilePages.response(
            profile, code: code.rawValue, connectAction: "/\(code.rawValue)/connect", invitation: nil,
            attribution: isScan ? nil : request.uri.query, context: context, visitor: visitor, appOffer: appOffer)
    }

    /// `GET /i/{token}`: the profile reached through a private invitation, or why the invitation no longer works.
    func invitationPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard let token = try? InvitationToken(context.parameters.get("token") ?? "") else {
            return pages.unavailablePage(.notFound, context: context)
        }
        let resolution = try await store.resolve(invitation: token)
        links.metrics.resolved(resolution)
        guard case .found(let link, let profile, let invitation) = resolution else {
            return pages.unavailablePage(resolution, context: context)
        }
        let isScan = ScanMarker.isMarker((request.uri.query ?? "").utf8)
        funnel?.countView(
            .invitation, code: link.code, organization: link.organizationID, isScan: isScan,
            traits: FunnelRecorder.Traits(request, context: context))
        let visitor = try await visitors.visitor(context)
        return profilePages.response(
            profile, code: link.code.rawValue, connectAction: "/i/\(token.rawValue)/connect", invitation: invitation,
            attribution: isScan ? nil : request.uri.query, context: context, visitor: visitor,
            appOffer: AppOffer.make(
                app: app, userAgent: request.headers[.userAgent],
                universalLink: profilePages.publicURL + "/i/" + token.rawValue,
                handoffAction: "/i/\(token.rawValue)/app"))
    }

    /// `POST /{code}/connect` and `POST /i/{token}/connect`: the connect flow for whoever is visiting.
    func connect(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let target: ScannedLink.Target
        if let tokenText = context.parameters.get("token") {
            guard let token = try? InvitationToken(tokenText) else {
                return pages.unavailablePage(.notFound, context: context)
            }
            target = .invitation(token)
        } else {
            guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
                return pages.unavailablePage(.notFound, context: context)
            }
            target = .practice(code)
        }
        let visitor = try await visitors.visitor(context)
        // Read before connecting: accepting an invitation consumes it.
        let code = funnel == nil ? nil : try await linkCode(of: target)
        let outcome = try await store.connect(visitor: visitor, via: target, rateKey: context.clientAddress)
        if let funnel {
            if let code {
                funnel.count(.connectClick, code: code)
                if case .invitation = target {
                    funnel.count(outcome: outcome, code: code, viaInvitation: true)
                } else {
                    funnel.count(outcome: outcome, code: code, viaInvitation: false)
                }
            }
        }
        return connectResponses.response(outcome, context: context, visitor: visitor)
    }

    /// The practice link a connect went through: the code itself, or the link of the invitation.
    private func linkCode(of target: ScannedLink.Target) async throws -> LinkCode? {
        switch target {
        case .practice(let code): return code
        case .invitation(let token):
            guard case .found(let link, _, _) = try await store.resolve(invitation: token) else { return nil }
            return link.code
        }
    }
}
