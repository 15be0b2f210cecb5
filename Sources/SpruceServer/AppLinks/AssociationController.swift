import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore

/// The association files that let the configured app open the site's links: `apple-app-site-association` and
/// `assetlinks.json`, made once at start from ``AppSiteAssociation``; 404 when no app of that platform is
/// configured. Served directly as `application/json` (Apple fetches without following redirects).
struct AssociationController: Sendable {
    static let apple = Endpoint(.get, "/.well-known/apple-app-site-association")
    static let android = Endpoint(.get, "/.well-known/assetlinks.json")

    let appleDocument: ByteBuffer?
    let androidDocument: ByteBuffer?

    init(association: AppSiteAssociation) {
        appleDocument = association.appleDocument().map { ByteBuffer(bytes: $0) }
        androidDocument = association.assetLinksDocument().map { ByteBuffer(bytes: $0) }
    }

    func addRoutes(to router: RouterGroup<SpruceRequestContext>) {
        router.on(Self.apple) { _, _ in try Self.response(appleDocument) }
        router.on(Self.android) { _, _ in try Self.response(androidDocument) }
    }

    static func response(_ document: ByteBuffer?) throws -> Response {
        guard let document else { throw ServerError(.notFound) }
        return Response(
            status: .ok, headers: [.contentType: "application/json", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: document))
    }
}
