import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SpruceCore
import SpruceDelivery
import SpruceServer
import SpruceStore

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the profile pages, the connect flow, QR images and the JSON API over HTTP.",
        discussion: """
            The secret that signs signup continuations, clinic prompts and CSRF tokens comes from \
            $SPRUCELINK_SECRET (at least 32 bytes; every instance behind one load balancer needs the same). \
            Without it a random key is made for this process, and links in flight stop working at restart. \
            SIGTERM or SIGINT stops the server gracefully.
            """
    )

    enum LogFormat: String, ExpressibleByArgument, CaseIterable {
        case json, text
    }

    @OptionGroup var options: DatabaseOptions

    @OptionGroup(title: "Delivery of account codes, notices and the workspace's invitations (as for `invite`)")
    var delivery: MessageDeliveryOptions

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
    var port = 8080

    @Option(
        help: ArgumentHelp("The public origin links and QR codes use; https makes cookies Secure.", valueName: "url"))
    var publicURL = "https://spruce.care"

    @Option(help: ArgumentHelp("Request log format.", valueName: "format"))
    var logFormat: LogFormat = .json

    @Option(
        help: ArgumentHelp(
            "Lowest log level: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    @Option(
        help: ArgumentHelp(
            "Seconds between reads of the link change feed: the longest a change made on another instance takes to show here (0: no links in memory).",
            valueName: "seconds"))
    var cacheSeconds = 1.0

    @Option(help: ArgumentHelp("Failed logins per client address per 15 minutes.", valueName: "n"))
    var loginLimit = 30

    @Option(
        help: ArgumentHelp(
            "Failed logins for one account from one client address per 15 minutes.", valueName: "n"))
    var loginAccountLimit = 5

    @Option(
        help: ArgumentHelp(
            """
            Failed logins for one account from all addresses per hour; past it each further try waits a growing delay \
            (1 s, 4 s, 9 s, … at most 2 minutes), never a lock-out.
            """,
            valueName: "n"))
    var loginAccountBudget = 20

    @Option(
        name: .customLong("trusted-proxy"),
        help: ArgumentHelp(
            "The address of a reverse proxy whose X-Forwarded-For is believed for rate limits and logs (repeatable).",
            valueName: "ip"))
    var trustedProxies: [String] = []

    @Option(
        name: .customLong("ios-app-id"),
        help: ArgumentHelp(
            "The iOS app that opens practice links, as TEAMID.bundle.id (repeatable); needs --app-store-url.",
            valueName: "id"))
    var iOSAppIDs: [String] = []

    @Option(
        name: .customLong("android-package"),
        help: ArgumentHelp("The Android app's package name (repeatable).", valueName: "name"))
    var androidPackages: [String] = []

    @Option(
        name: .customLong("android-cert-sha256"),
        help: ArgumentHelp(
            "The SHA-256 fingerprint of the Android app's signing certificate, AA:BB:… (repeatable: all for one package, or one per package in order).",
            valueName: "fingerprint"))
    var androidFingerprints: [String] = []

    @Option(help: ArgumentHelp("The app's App Store page (https).", valueName: "url"))
    var appStoreURL: String?

    @Option(
        help: ArgumentHelp(
            "The app's Play Store page (https; default: play.google.com for the first --android-package).",
            valueName: "url"))
    var playStoreURL: String?

    @Option(help: ArgumentHelp("Signups per client address per 15 minutes.", valueName: "n"))
    var signupLimit = 10

    @Option(help: ArgumentHelp("The address of the separate /metrics listener (keep it private).", valueName: "host"))
    var metricsHost = "127.0.0.1"

    @Option(help: ArgumentHelp("The port of the /metrics listener (0 picks a free one).", valueName: "port"))
    var metricsPort = 9464

    @Option(
        help: ArgumentHelp(
            "Seconds before a connection with no request in progress is closed.", valueName: "seconds"))
    var idleTimeout = 60.0

    @Option(
        help: ArgumentHelp(
            "Seconds from a request's first byte until its head must be complete (else 408 and the connection closes).",
            valueName: "seconds"))
    var headTimeout = 10.0

    @Option(
        help: ArgumentHelp(
            "Seconds after a request's head until its body must be complete (else the connection closes).",
            valueName: "seconds"))
    var bodyTimeout = 30.0

    @Option(
        help: ArgumentHelp(
            "Open connections at most; past it a new connection gets 503 and is closed.", valueName: "n"))
    var maxConnections = 10_000

    @Option(
        help: ArgumentHelp(
            "Minutes a member's session may go unused before it ends (besides its 12-hour lifetime).",
            valueName: "minutes"))
    var memberIdleMinutes = 30.0

    @Option(
        help: ArgumentHelp(
            "Minutes a patient's session may go unused before it ends (besides its 30-day lifetime; default 7 days).",
            valueName: "minutes"))
    var patientIdleMinutes = 7.0 * 24 * 60

    @Flag(help: "Count nothing for the per-link funnel (scans, visits, signups…); /metrics keeps its totals.")
    var noAnalytics = false

    @Option(
        help: ArgumentHelp(
            "Calendar months of daily funnel rows kept (2-120) before they are rolled up into months.",
            valueName: "months"))
    var funnelRetentionMonths = 13

    func run() async throws {
        let retention: FunnelRetention
        do {
            retention = try FunnelRetention(dailyMonths: funnelRetentionMonths)
        } catch {
            throw UsageError("--funnel-retention-months: \(error.rule)")
        }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw UsageError(
                "--log-level: expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...65535).contains(port) else { throw UsageError("--port: must be from 0 to 65535") }
        let lowered = publicURL.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            throw UsageError("--public-url: must start with https:// or http://")
        }
        guard cacheSeconds >= 0, cacheSeconds <= 3600 else {
            throw UsageError("--cache-seconds: must be from 0 to 3600")
        }
        for (name, value) in [
            ("--login-limit", loginLimit), ("--login-account-limit", loginAccountLimit),
            ("--login-account-budget", loginAccountBudget), ("--signup-limit", signupLimit),
        ] where value <= 0 {
            throw UsageError("\(name): must be positive")
        }
        guard (0...65535).contains(metricsPort) else { throw UsageError("--metrics-port: must be from 0 to 65535") }
        let timeouts = [
            ("--idle-timeout", idleTimeout), ("--head-timeout", headTimeout), ("--body-timeout", bodyTimeout),
        ]
        for (name, value) in timeouts where !(value > 0 && value <= 3600) {
            throw UsageError("\(name): must be more than 0 and at most 3600 seconds")
        }
        for (name, value) in [
            ("--member-idle-minutes", memberIdleMinutes), ("--patient-idle-minutes", patientIdleMinutes),
        ]
        where !(value > 0 && value <= 30 * 24 * 60) {
            throw UsageError("\(name): must be more than 0 and at most 43200 (30 days)")
        }
        guard (1...1_000_000).contains(maxConnections) else {
            throw UsageError("--max-connections: must be from 1 to 1000000")
        }
        if let bad = trustedProxies.first(where: { !ServerConfiguration.isProxyAddress($0) }) {
            throw UsageError("--trusted-proxy: \"\(bad)\" is not an IP address")
        }
        let sender = try delivery.sender()
        let emailRoute = try delivery.emailRoute()
        let app: AppConfiguration
        do {
            app = try AppConfiguration.parse(
                iOSAppIDs: iOSAppIDs, androidPackages: androidPackages, androidFingerprints: androidFingerprints,
                appStoreURL: appStoreURL, playStoreURL: playStoreURL)
        } catch {
            throw UsageError(error.description)
        }
        let format = logFormat
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler =
                format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        var logger = Logger(label: "sprucelink.server")
        logger.logLevel = level

        // The one place that decides the signing key: configured, or (for development) random and announced.
        let signingKey: SigningKey
        if let configured = ProcessInfo.processInfo.environment[ServerConfiguration.secretVariable] {
            do {
                signingKey = try SigningKey(secret: configured)
            } catch {
                throw UsageError("$\(ServerConfiguration.secretVariable): \(error.description)")
            }
        } else {
            signingKey = .random()
            logger.warning(
                "no $SPRUCELINK_SECRET: using a random signing key for this process; signup links and prompts in flight stop working at restart, and several instances cannot share work"
            )
        }
        var throttles = Throttles()
        throttles.loginFailuresPerClient.limit = loginLimit
        throttles.loginFailuresPerAccountAndClient.limit = loginAccountLimit
        throttles.loginFailuresPerAccount.limit = loginAccountBudget
        throttles.signupsPerClient.limit = signupLimit
        var configuration = ServerConfiguration(
            host: host, port: port, publicURL: publicURL, linkSyncInterval: cacheSeconds)
        configuration.trustedProxies = trustedProxies
        configuration.sessionTimeouts.memberIdle = memberIdleMinutes * 60
        configuration.sessionTimeouts.patientIdle = patientIdleMinutes * 60
        configuration.app = app
        configuration.connectionLimits = ConnectionLimits(
            idleTimeout: idleTimeout, headTimeout: headTimeout, bodyTimeout: bodyTimeout,
            maximumConnections: maxConnections)
        let metricsLogger = logger
        let metricsHost = self.metricsHost
        configuration.metrics = MetricsListener(host: metricsHost, port: metricsPort) { port in
            metricsLogger.info("metrics listening", metadata: ["address": "http://\(metricsHost):\(port)/metrics"])
        }
        configuration.requestLogFormat = format == .json ? .json : .text
        configuration.funnel = noAnalytics ? nil : FunnelSettings(retention: retention)
        configuration.outboxDirectory = delivery.outbox
        configuration.mailFrom = delivery.from
        configuration.sendmailCommand = delivery.sendmail
        var storeLogger = Logger(label: "sprucelink.store")
        storeLogger.logLevel = .warning
        let messenger = OutboxMessenger(
            outbox: try await delivery.openOutbox(), emailRoute: emailRoute, from: sender,
            publicURL: configuration.publicURL)
        let store = try await SpruceStore.open(
            try options.location,
            settings: StoreSettings(signingKey: signingKey, throttles: throttles, messenger: messenger),
            logger: storeLogger)
        do {
            let app = try await SpruceServer.makeApplication(store: store, configuration: configuration, logger: logger)
            logger.info("serving", metadata: ["address": "http://\(host):\(port)", "public_url": "\(publicURL)"])
            try await app.runService()
            logger.info("stopped")
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}
