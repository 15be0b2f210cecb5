import Foundation
import Hummingbird
import Logging
import Mustache
import NIOCore
import SpruceCore
import SpruceDelivery
import SpruceQR
import SpruceStore

/// The server's controllers and the few things they share, made once at start; and the one place that says which
/// area of the site is mounted where and with which middleware.
///
/// ```text
/// router: client address → request log → request metrics → security headers → errors (HTML, 404/405)
/// ├─ browser pages: session → CSRF
/// │  ├─ PublicLinksController   /{code}, /{code}/connect, /i/{token}, /i/{token}/connect
/// │  ├─ AccountsController      /, /signup, /login, /logout
/// │  ├─ PracticeSignupController /practices/new
/// │  ├─ MessagingController     /inbox, /inbox/prompt, /contacts, /add-clinic, /conversations/…, /care
/// │  ├─ PrintController         /workspace/links/{code}/print.pdf
/// │  ├─ WorkspaceController     /workspace, /workspace/links…, /invitations, /profile, /team, /api-keys
/// │  ├─ LinkStatsController     /workspace/links/{code}/stats, /workspace/links/{code}/stats.csv
/// │  └─ HandoffController       /{code}/app, /i/{token}/app, /h/{token} (Get the App & Connect)
/// ├─ images: PublicLinksController /{code}/qr.png, /{code}/qr.svg (no session)
/// ├─ /api: problem+json errors  → APIController (API key middleware on the routes that need a key)
/// ├─ /api/app/v1: problem+json, per-client limit → AppAPIController (app token middleware: patients' bearer tokens)
/// ├─ operations: OperationsController /healthz, /static/style.css (/metrics: the metrics listener's own router)
/// └─ app association: AssociationController /.well-known/apple-app-site-association, /.well-known/assetlinks.json
/// ```
///
/// A new area (the practice workspace, say) gets its controller here, on a group of its own under the browser
/// pages' middleware.
struct ServerParts: Sendable {
    let store: SpruceStore
    let configuration: ServerConfiguration
    let logger: Logger
    /// Every link's public face in memory, kept current by the store's change feed.
    let directory: LinkDirectory
    let pages: PageRenderer
    let cookies: SessionCookies
    let profileJSON: ProfileJSON
    let profilePages: ProfilePages
    let qrImages: QRImageMaker
    let linkMetrics: ServerMetrics
    let requestMetrics: RequestMetrics

    let publicLinks: PublicLinksController
    let accounts: AccountsController
    let messaging: MessagingController
    let api: APIController
    let operations: OperationsController
    let printing: PrintController
    let workspace: WorkspaceController
    let practiceSignup: PracticeSignupController
    let association: AssociationController
    let handoffs: HandoffController
    let appAPI: AppAPIController
    /// The request lines, written off the event loops; `nil` when the log level leaves out `info`.
    let requestLog: RequestLog?
    /// The funnel's in-memory counts; `nil` with analytics off.
    let funnel: FunnelRecorder?
    let linkStats: LinkStatsController

    /// Loads templates and static files and makes the controllers; the link directory is not loaded yet.
    /// - Throws: ``ServerSetupError`` when a resource is missing, or the error of reading it.
    init(store: SpruceStore, configuration: ServerConfiguration, logger: Logger) async throws {
        let templatesURL = try SpruceServer.resourceURL("Templates")
        let templates = try await MustacheLibrary(directory: templatesURL.path)
        let openAPI = try Data(contentsOf: templatesURL.appendingPathComponent("openapi.json"))
        let stylesheetURL = try SpruceServer.resourceURL("Static").appendingPathComponent("style.css")
        let stylesheet = try Data(contentsOf: stylesheetURL)
        _ = MetricsRegistry.shared
        self.store = store
        self.configuration = configuration
        self.logger = logger
        directory = LinkDirectory(
            store: store,
            settings: LinkDirectory.Settings(syncInterval: .milliseconds(Int64(configuration.linkSyncInterval * 1000))),
            logger: logger)
        pages = PageRenderer(templates: templates, csrf: CSRFTokens(signingKey: store.settings.signingKey))
        cookies = SessionCookies(secure: configuration.isSecure, timeouts: configuration.sessionTimeouts)
        profileJSON = try ProfileJSON(publicURL: configuration.publicURL)
        profilePages = ProfilePages(pages: pages, publicURL: configuration.publicURL, skeletons: ProfileMemo())
        qrImages = QRImageMaker(publicURL: configuration.publicURL, cache: QRImageCache())
        linkMetrics = ServerMetrics()
        requestMetrics = RequestMetrics()

        let funnel = configuration.funnel.map { [directory] in
            FunnelRecorder(store: store, directory: directory, settings: $0, logger: logger)
        }
        self.funnel = funnel
        let links = LinkLookup(directory: directory, metrics: linkMetrics)
        let visitors = Visitors(store: store)
        let connectResponses = ConnectResponses(pages: pages, metrics: linkMetrics)
        publicLinks = PublicLinksController(
            store: store, links: links, profilePages: profilePages, pages: pages, visitors: visitors,
            connectResponses: connectResponses, qrImages: qrImages, funnel: funnel,
            app: configuration.app)
        accounts = AccountsController(
            store: store, pages: pages, visitors: visitors, links: links, connectResponses: connectResponses,
            cookies: cookies, funnel: funnel)
        messaging = MessagingController(
            store: store, pages: pages, visitors: visitors, connectResponses: connectResponses,
            acceptedHosts: configuration.acceptedHosts, funnel: funnel)
        api = APIController(
            store: store, links: links, profileJSON: profileJSON, publicURL: configuration.publicURL,
            acceptedHosts: configuration.acceptedHosts, openAPIDocument: ByteBuffer(bytes: openAPI), funnel: funnel)
        operations = OperationsController(store: store, directory: directory, stylesheet: ByteBuffer(bytes: stylesheet))
        requestLog =
            logger.logLevel <= .info
            ? RequestLog(
                settings: RequestLog.Settings(format: configuration.requestLogFormat, label: logger.label),
                sink: configuration.requestLogSink)
            : nil
        practiceSignup = PracticeSignupController(
            store: store, pages: pages, connectResponses: connectResponses, cookies: cookies)
        workspace = WorkspaceController(
            store: store, pages: pages, directory: directory,
            dispatcher: try await Self.dispatcher(store: store, configuration: configuration),
            publicURL: configuration.publicURL, jobs: InvitationJobs())
        printing = PrintController(
            store: store, visitors: visitors, printing: Printing(), publicURL: configuration.publicURL)
        linkStats = LinkStatsController(store: store, visitors: visitors, pages: pages)
        association = AssociationController(association: AppSiteAssociation(configuration: configuration.app))
        appAPI = AppAPIController(
            store: store, api: api, publicURL: configuration.publicURL, acceptedHosts: configuration.acceptedHosts)
        handoffs = HandoffController(
            store: store, pages: pages, app: configuration.app, publicURL: configuration.publicURL)
    }

    /// The workspace's invitation delivery, configured as `sprucelink invite`'s: the outbox or sendmail, the
    /// bundled templates, the sender.
    static func dispatcher(store: SpruceStore, configuration: ServerConfiguration) async throws
        -> InvitationDispatcher
    {
        let sender = try MailboxAddress(parsing: configuration.mailFrom, field: "mailFrom")
        var route = InvitationDispatcher.EmailRoute.outbox
        if let command = configuration.sendmailCommand { route = .sendmail(try SendmailTransport(command: command)) }
        return try await InvitationDispatcher(
            store: store, outbox: try await Outbox.make(directory: configuration.outboxDirectory), emailRoute: route,
            from: sender, publicURL: configuration.publicURL, templates: try await InvitationTemplates.read(),
            invitedBy: nil
        ) { link in
            try PNGRenderer(options: RenderOptions(scale: 6, margin: 4), compression: .smallest).render(
                try QRCode(text: link))
        }
    }

    /// Mounts every area on `router` with the middleware it needs.
    func addAreas(to router: some RouterMethods<SpruceRequestContext>) {
        let browserPages = router.group()
            .add(middleware: SessionMiddleware(store: store, cookies: cookies))
            .add(middleware: CSRFMiddleware(csrf: pages.csrf))
        publicLinks.addRoutes(browser: browserPages, images: router.group())
        accounts.addRoutes(to: browserPages)
        messaging.addRoutes(to: browserPages)
        printing.addRoutes(to: browserPages)
        workspace.addRoutes(to: browserPages)
        practiceSignup.addRoutes(to: browserPages)
        linkStats.addRoutes(to: browserPages)
        handoffs.addRoutes(to: browserPages)
        api.addRoutes(to: router.group(RouterPath(APIController.path)).add(middleware: ProblemMiddleware()))
        appAPI.addRoutes(
            to: router.group(RouterPath(AppAPIController.path)).add(middleware: ProblemMiddleware())
                .add(middleware: AppRequestLimitMiddleware(store: store)))
        operations.addRoutes(to: router.group())
        association.addRoutes(to: router.group())
    }

    /// Every route ``addAreas(to:)`` mounts, with its full path.
    var routeTable: RouteTable { RouteTable { addAreas(to: $0) } }

    /// The router: the middleware every request goes through, then the areas.
    func makeRouter() -> Router<SpruceRequestContext> {
        let router = Router(context: SpruceRequestContext.self, options: [.autoGenerateHeadEndpoints])
        if !configuration.trustedProxies.isEmpty {
            router.add(middleware: ClientAddressMiddleware(trustedProxies: Set(configuration.trustedProxies)))
        }
        if let requestLog { router.add(middleware: RequestLogMiddleware(log: requestLog)) }
        router.add(middleware: RequestMetricsMiddleware(metrics: requestMetrics))
        router.add(middleware: SecurityHeadersMiddleware(isSecure: configuration.isSecure))
        router.add(middleware: ErrorMiddleware(pages: pages, routes: routeTable))
        addAreas(to: router)
        return router
    }

    /// The hot reads over the same directory, caches, headers and metrics as the routes.
    func makeHotReads() -> HotReads {
        HotReads(
            directory: directory, profileJSON: profileJSON, profilePages: profilePages, cookies: cookies,
            qrCache: qrImages.cache, linkMetrics: linkMetrics, requestMetrics: requestMetrics,
            configuration: configuration, requestLog: requestLog, funnel: funnel)
    }
}
