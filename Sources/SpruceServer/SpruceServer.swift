import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import SpruceCore
import ServiceLifecycle
import SpruceStore

/// The HTTP service: profile pages and the connect flow in a browser, QR images, and the JSON API.
///
/// ```swift
/// let store = try await SpruceStore.open(.sqlite(path: "sprucelink.sqlite"),
///                                        settings: StoreSettings(signingKey: configuration.signingSecret.signingKey))
/// let app = try await SpruceServer.makeApplication(store: store, configuration: configuration, logger: logger)
/// try await app.runService()   // graceful shutdown on SIGTERM and SIGINT
/// ```
public enum SpruceServer {
    /// One route: its method, its path template, and the handler.
    struct Route: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let handler: @Sendable (Site, Request, SpruceRequestContext) async throws -> Response

        init(
            _ method: HTTPRequest.Method, _ path: String,
            _ handler: @escaping @Sendable (Site, Request, SpruceRequestContext) async throws -> Response
        ) {
            self.method = method
            self.path = path
            self.handler = handler
        }
    }

    /// Every route the server registers, in one table: the router is built from it, and the tests check it
    /// against ``ReservedWords`` and the OpenAPI document.
    static let routes: [Route] = [
        Route(.get, "/", { try await $0.homePage($1, context: $2) }),
        Route(.get, "/healthz", { try await $0.health($1, context: $2) }),
        Route(.get, "/metrics", { try await $0.metricsText($1, context: $2) }),
        Route(.get, "/static/style.css", { try await $0.stylesheetResponse($1, context: $2) }),
        Route(.get, "/signup", { try await $0.signupPage($1, context: $2) }),
        Route(.post, "/signup", { try await $0.signup($1, context: $2) }),
        Route(.get, "/login", { try await $0.loginPage($1, context: $2) }),
        Route(.post, "/login", { try await $0.login($1, context: $2) }),
        Route(.post, "/logout", { try await $0.logout($1, context: $2) }),
        Route(.get, "/inbox", { try await $0.inboxPage($1, context: $2) }),
        Route(.post, "/inbox/prompt", { try await $0.answerPrompt($1, context: $2) }),
        Route(.get, "/contacts", { try await $0.contactsPage($1, context: $2) }),
        Route(.post, "/add-clinic", { try await $0.addClinic($1, context: $2) }),
        Route(.get, "/conversations/{id}", { try await $0.conversationPage($1, context: $2) }),
        Route(.post, "/conversations/{id}/messages", { try await $0.sendMessage($1, context: $2) }),
        Route(.get, "/care", { try await $0.carePage($1, context: $2) }),
        Route(.get, "/i/{token}", { try await $0.invitationPage($1, context: $2) }),
        Route(.post, "/i/{token}/connect", { try await $0.connect($1, context: $2) }),
        Route(.get, "/api/openapi.json", { try await $0.openAPI($1, context: $2) }),
        Route(.get, "/api/v1/links/{code}", { try await $0.apiResolveLink($1, context: $2) }),
        Route(.post, "/api/v1/resolve", { try await $0.apiResolveText($1, context: $2) }),
        Route(.get, "/api/v1/organization", { try await $0.apiOrganization($1, context: $2) }),
        Route(.get, "/api/v1/links", { try await $0.apiListLinks($1, context: $2) }),
        Route(.post, "/api/v1/links", { try await $0.apiMintLink($1, context: $2) }),
        Route(.post, "/api/v1/links/{code}/disable", { try await $0.apiDisableLink($1, context: $2) }),
        Route(.post, "/api/v1/links/{code}/qr-colors", { try await $0.apiSetQRColors($1, context: $2) }),
        Route(.get, "/api/v1/invitations", { try await $0.apiListInvitations($1, context: $2) }),
        Route(.post, "/api/v1/invitations", { try await $0.apiCreateInvitation($1, context: $2) }),
        Route(.get, "/api/v1/conversations", { try await $0.apiConversations($1, context: $2) }),
        // Practice links last: every other first segment is a reserved word, never a code.
        Route(.get, "/{code}", { try await $0.profilePage($1, context: $2) }),
        Route(.post, "/{code}/connect", { try await $0.connect($1, context: $2) }),
        Route(.get, "/{code}/qr.png", { try await $0.qrImage($1, context: $2, format: .png) }),
        Route(.get, "/{code}/qr.svg", { try await $0.qrImage($1, context: $2, format: .svg) }),
    ]

    /// The `Server` header of every response.
    static let serverName = "SpruceLink"

    /// Method and path template of every route, for tests and documentation.
    public static var routeTable: [(method: String, path: String)] { routes.map { ($0.method.rawValue, $0.path) } }

    /// The methods routed for `path`, HEAD included wherever GET is: what a 405's `Allow` lists.
    static func allowedMethods(for path: String) -> [String] {
        let segments = path.split(separator: "/")
        var methods: Set<String> = []
        for route in routes {
            let template = route.path.split(separator: "/")
            guard template.count == segments.count else { continue }
            let matches = zip(template, segments).allSatisfy { pattern, segment in
                pattern.hasPrefix("{") || pattern == segment
            }
            guard matches else { continue }
            methods.insert(route.method.rawValue)
            if route.method == .get { methods.insert("HEAD") }
        }
        return methods.sorted()
    }

    /// The folder of the module's templates and static files.
    static func resourceURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent(name),
            FileManager.default.fileExists(atPath: url.path)
        else { throw ServerSetupError(description: "resource \(name) is missing from the SpruceServer bundle") }
        return url
    }

    /// Builds the application: router, middleware, templates and caches.
    /// - Parameters:
    ///   - store: an open store whose settings hold `configuration.signingSecret.signingKey`.
    ///   - logger: request logs and errors go here; no tokens, passwords or link secrets are ever logged.
    /// - Throws: ``ServerSetupError`` when templates or static files cannot be loaded.
    public static func makeApplication(
        store: SpruceStore,
        configuration: ServerConfiguration,
        logger: Logger
    ) async throws -> some ApplicationProtocol {
        let site = try await makeSite(store: store, configuration: configuration, logger: logger)
        let router = Router(context: SpruceRequestContext.self, options: [.autoGenerateHeadEndpoints])
        if !configuration.trustedProxies.isEmpty {
            router.add(middleware: ClientAddressMiddleware(trustedProxies: Set(configuration.trustedProxies)))
        }
        if let requestLog = site.requestLog { router.add(middleware: RequestLogMiddleware(log: requestLog)) }
        router.add(middleware: MetricsMiddleware())
        router.add(middleware: SecurityHeadersMiddleware(isSecure: configuration.isSecure))
        router.add(middleware: ErrorMiddleware(site: site))
        router.add(middleware: SessionMiddleware(site: site))
        router.add(middleware: CSRFMiddleware(site: site))
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { request, context in
                try await route.handler(site, request, context)
            }
        }
        let hotReads = configuration.answersHotReadsFromMemory ? HotReads(site: site) : nil
        // Services stop in reverse order: the request log, first here, writes its last lines after the server stopped.
        var services: [any Service] = []
        if let requestLog = site.requestLog { services.append(RequestLogService(log: requestLog)) }
        services.append(LinkDirectoryService(directory: site.directory))
        return Application(
            router: router,
            server: .http1(configuration: .init(additionalChannelHandlers: hotReads.map { [HotReadHandler(reads: $0)] } ?? [])),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            services: services,
            logger: logger)
    }

    /// What every handler shares: templates, static files, the link directory (not yet loaded) and the caches.
    static func makeSite(store: SpruceStore, configuration: ServerConfiguration, logger: Logger) async throws -> Site {
        let templatesURL = try resourceURL("Templates")
        let templates = try await MustacheLibrary(directory: templatesURL.path)
        let openAPI = try Data(contentsOf: templatesURL.appendingPathComponent("openapi.json"))
        let stylesheet = try Data(contentsOf: try resourceURL("Static").appendingPathComponent("style.css"))
        _ = MetricsRegistry.shared
        let directory = LinkDirectory(
            store: store,
            settings: LinkDirectory.Settings(syncInterval: .milliseconds(Int64(configuration.linkSyncInterval * 1000))),
            logger: logger)
        var urlPrefix = try JSONEncoder.api.encode(configuration.publicURL + "/")
        urlPrefix.removeLast()
        var site = Site(
            store: store, configuration: configuration, templates: templates,
            csrf: CSRFTokens(secret: configuration.signingSecret),
            cookies: SessionCookies(secure: configuration.isSecure, sessionLifetime: configuration.sessionLifetime),
            directory: directory, qrCache: QRImageCache(), profileJSON: ProfileMemo(), profilePages: ProfileMemo(),
            linkURLJSONPrefix: ByteBuffer(bytes: urlPrefix),
            metrics: ServerMetrics(), openAPIDocument: ByteBuffer(bytes: openAPI),
            stylesheet: ByteBuffer(bytes: stylesheet), logger: logger)
        if logger.logLevel <= .info {
            site.requestLog = RequestLog(
                settings: RequestLog.Settings(format: configuration.requestLogFormat, label: logger.label),
                sink: configuration.requestLogSink)
        }
        return site
    }
}

/// Writes the request lines still queued once the server has stopped (services stop in reverse order, and this
/// one comes first).
struct RequestLogService: Service {
    let log: RequestLog

    func run() async throws {
        try? await gracefulShutdown()
        await log.finish()
    }
}

/// Keeps the link directory loaded and following the change feed while the server runs.
struct LinkDirectoryService: Service {
    let directory: LinkDirectory

    func run() async throws {
        await cancelWhenGracefulShutdown { await directory.run() }
    }
}

/// The server could not start: a resource is missing or a setting is wrong.
public struct ServerSetupError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
