import Foundation
import HTTPTypes
import NIOCore
import SpruceCore
import Testing

@testable import SpruceServer

/// An app configured as `serve --ios-app-id … --android-package … --android-cert-sha256 …` would.
let testApp = AppConfiguration(
    iOSAppIDs: ["A1B2C3D4E5.care.spruce.app"],
    androidApps: [
        .init(
            packageName: "care.spruce.app",
            fingerprints: [(0..<32).map { String(format: "%02X", $0 * 5) }.joined(separator: ":")])
    ],
    appStoreURL: "https://apps.apple.com/app/spruce/id1234567890",
    playStoreURL: "https://play.google.com/store/apps/details?id=care.spruce.app")

@Suite("Association files")
struct AssociationFileTests {
    @Test("apple-app-site-association: applinks with components and webcredentials, JSON, no redirect")
    func apple() async throws {
        try await withLiveServer(app: testApp) { server in
            let page = try await server.browser().get("/.well-known/apple-app-site-association")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "application/json")
            let document = try jsonObject(page)
            #expect(Set(document.keys) == ["applinks", "webcredentials"])
            let applinks = try #require(document["applinks"] as? [String: Any])
            let details = try #require(applinks["details"] as? [[String: Any]])
            #expect(details.count == 1)
            #expect(details[0]["appIDs"] as? [String] == ["A1B2C3D4E5.care.spruce.app"])
            let components = try #require(details[0]["components"] as? [[String: Any]])
            for component in components {
                #expect(component["/"] is String)
                #expect(Set(component.keys).isSubset(of: ["/", "exclude", "comment"]))
                if let exclude = component["exclude"] { #expect(exclude as? Bool == true) }
            }
            let webcredentials = try #require(document["webcredentials"] as? [String: Any])
            #expect(webcredentials["apps"] as? [String] == ["A1B2C3D4E5.care.spruce.app"])
        }
    }

    @Test("assetlinks.json: handle_all_urls and get_login_creds for the package, fingerprints as AA:BB:…")
    func android() async throws {
        try await withLiveServer(app: testApp) { server in
            let page = try await server.browser().get("/.well-known/assetlinks.json")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "application/json")
            let statements = try #require(
                try JSONSerialization.jsonObject(with: Data(page.body.readableBytesView)) as? [[String: Any]])
            #expect(statements.count == 1)
            let relations = try #require(statements[0]["relation"] as? [String])
            #expect(
                Set(relations) == [
                    "delegate_permission/common.handle_all_urls", "delegate_permission/common.get_login_creds",
                ])
            let target = try #require(statements[0]["target"] as? [String: Any])
            #expect(target["namespace"] as? String == "android_app")
            #expect(target["package_name"] as? String == "care.spruce.app")
            let prints = try #require(target["sha256_cert_fingerprints"] as? [String])
            let format = try Regex("^([0-9A-F]{2}:){31}[0-9A-F]{2}$")
            #expect(prints.count == 1 && prints.allSatisfy { $0.wholeMatch(of: format) != nil })
        }
    }

    @Test("without an app both files are 404")
    func absent() async throws {
        try await withLiveServer { server in
            for path in ["/.well-known/apple-app-site-association", "/.well-known/assetlinks.json"] {
                let page = try await server.browser().get(path)
                #expect(page.status == .notFound, "\(path)")
            }
        }
    }

    /// The routes the app would open although the site serves them: must be empty.
    static func openedRoutes(_ routes: [Endpoint], _ association: AppSiteAssociation) -> [String] {
        let appRoutes: Set<String> = ["/{code}", "/i/{token}", "/h/{token}"]
        return routes.compactMap { route in
            let path = route.path.replacingOccurrences(of: "{code}", with: "4827163")
                .replacingOccurrences(of: "{token}", with: "abcdefghjkmnpqrstuvwxyz234")
                .replacingOccurrences(of: "{id}", with: "7")
            let opens = association.opensApp(path: path)
            return opens != appRoutes.contains(route.path) ? "\(route.method) \(route.path)" : nil
        }
    }

    @Test("every route of the route table but links, invitations and handoffs is excluded from the app")
    func everyRouteExcluded() async throws {
        try await withServerParts(app: testApp) { parts in
            let association = AppSiteAssociation(configuration: testApp)
            let routes = parts.routeTable.endpoints
            #expect(Self.openedRoutes(routes, association) == [])
            // A new area whose segment was not reserved would open the app: the same check catches it.
            let forgotten = routes + [Endpoint(.get, "/billing")]
            #expect(Self.openedRoutes(forgotten, association) == ["GET /billing"])
        }
    }
}
