import Foundation
import HTTPTypes
import Hummingbird
import SpruceCore
import SpruceStore

/// **Get the App & Connect** in a phone's browser: makes the handoff and shows its connect code and the store
/// links (the Play Store's carrying the token), and the page the handoff's universal link shows where the app is
/// not installed yet. Without an app configured there is nothing here (404).
struct HandoffController: Sendable {
    static let linkHandoff = Endpoint(.post, "/{code}/app")
    static let invitationHandoff = Endpoint(.post, "/i/{token}/app")
    static let handoffLink = Endpoint(.get, "/h/{token}")

    let store: SpruceStore
    let pages: PageRenderer
    let app: AppConfiguration
    let publicURL: String

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.linkHandoff, use: create)
        browser.on(Self.invitationHandoff, use: create)
        browser.on(Self.handoffLink, use: handoffPage)
    }

    /// `POST /{code}/app`, `POST /i/{token}/app`: a new handoff for the link or invitation, shown once.
    func create(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard app.isConfigured else { throw ServerError(.notFound) }
        let target: ScannedLink.Target
        let continueHref: String
        if let text = context.parameters.get("token") {
            guard let token = try? InvitationToken(text) else {
                return pages.unavailablePage(.notFound, context: context)
            }
            (target, continueHref) = (.invitation(token), "/i/\(token.rawValue)")
        } else {
            guard let code = try? LinkCode(context.parameters.get("code") ?? "") else {
                return pages.unavailablePage(.notFound, context: context)
            }
            (target, continueHref) = (.practice(code), "/\(code.rawValue)")
        }
        let secrets: HandoffSecrets
        let handoff: Handoff
        do {
            (secrets, handoff) = try await store.createHandoff(via: target, client: context.clientAddress)
        } catch HandoffError.unavailable(let resolution) {
            return pages.unavailablePage(resolution, context: context)
        }
        let practice = try await store.handoff(secrets.token, at: handoff.createdAt).1.displayName
        var values = pages.pageValues("Get the app", context: context)
        values["practiceName"] = practice
        values["connectCode"] = secrets.code.formatted
        values["universalLink"] = publicURL + "/h/" + secrets.token.rawValue
        values["continueHref"] = continueHref
        values.merge(storeLinks(platform: DevicePlatform(userAgent: request.headers[.userAgent]), token: secrets.token))
        { $1 }
        return pages.page("handoff", values)
    }

    /// `GET /h/{token}`: where the handoff's universal link lands when the app is not installed: the store links
    /// again. Nothing is claimed; a used or expired handoff says so.
    func handoffPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        guard app.isConfigured, let token = try? HandoffToken(context.parameters.get("token") ?? "") else {
            throw ServerError(.notFound)
        }
        let (_, profile) = try await store.handoff(token)
        var values = pages.pageValues("Get the app", context: context)
        values["practiceName"] = profile.displayName
        values["universalLink"] = publicURL + "/h/" + token.rawValue
        values.merge(storeLinks(platform: DevicePlatform(userAgent: request.headers[.userAgent]), token: token)) { $1 }
        return pages.page("handoff", values)
    }

    /// The store links for `platform`; both where the platform is unknown.
    func storeLinks(platform: DevicePlatform, token: HandoffToken) -> [String: Any] {
        var values: [String: Any] = [:]
        if platform != .android, let url = app.appStoreURL { values["appStoreURL"] = url }
        if platform != .iOS, let url = app.playStoreURL(carrying: token) { values["playStoreURL"] = url }
        return values
    }
}
