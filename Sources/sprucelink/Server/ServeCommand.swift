import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SpruceCore
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

    @Option(help: ArgumentHelp("The address to listen on.", valueName: "host"))
    var host = "127.0.0.1"

    @Option(help: ArgumentHelp("The port to listen on (0 picks a free one).", valueName: "port"))
    var port = 8080

    @Option(help: ArgumentHelp("The public origin links and QR codes use; https makes cookies Secure.", valueName: "url"))
    var publicURL = "https://spruce.care"

    @Option(help: ArgumentHelp("Request log format.", valueName: "format"))
    var logFormat: LogFormat = .json

    @Option(help: ArgumentHelp("Lowest log level: trace, debug, info, notice, warning, error or critical.", valueName: "level"))
    var logLevel = "info"

    @Option(help: ArgumentHelp(
        "Seconds between reads of the link change feed: the longest a change made on another instance takes to show here (0: no links in memory).",
        valueName: "seconds"))
    var cacheSeconds = 1.0

    @Option(help: ArgumentHelp("Login attempts per client address per 15 minutes.", valueName: "n"))
    var loginLimit = 30

    @Option(name: .customLong("trusted-proxy"), help: ArgumentHelp(
        "The address of a reverse proxy whose X-Forwarded-For is believed for rate limits and logs (repeatable).",
        valueName: "ip"))
    var trustedProxies: [String] = []

    @Option(help: ArgumentHelp("Signups per client address per 15 minutes.", valueName: "n"))
    var signupLimit = 10

    func run() async throws {
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw UsageError("--log-level: expected one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard (0...65535).contains(port) else { throw UsageError("--port: must be from 0 to 65535") }
        let lowered = publicURL.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://") else {
            throw UsageError("--public-url: must start with https:// or http://")
        }
        guard cacheSeconds >= 0, cacheSeconds <= 3600 else { throw UsageError("--cache-seconds: must be from 0 to 3600") }
        guard loginLimit > 0, signupLimit > 0 else { throw UsageError("--login-limit and --signup-limit must be positive") }
        if let bad = trustedProxies.first(where: { !ServerConfiguration.isProxyAddress($0) }) {
            throw UsageError("--trusted-proxy: \"\(bad)\" is not an IP address")
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

        let secret: ServerSecret
        if let configured = ProcessInfo.processInfo.environment[ServerConfiguration.secretVariable] {
            do {
                secret = try ServerSecret(configured: configured)
            } catch {
                throw UsageError("$\(ServerConfiguration.secretVariable): \(error.description)")
            }
        } else {
            secret = .random()
            logger.warning(
                "no $SPRUCELINK_SECRET: using a random signing key for this process; signup links and prompts in flight stop working at restart, and several instances cannot share work")
        }
        var limits = RateLimits()
        limits.loginPerAddress = loginLimit
        limits.signupPerAddress = signupLimit
        var configuration = ServerConfiguration(
            host: host, port: port, publicURL: publicURL, signingSecret: secret, limits: limits,
            linkSyncInterval: cacheSeconds)
        configuration.trustedProxies = trustedProxies
        configuration.requestLogFormat = format == .json ? .json : .text
        var storeLogger = Logger(label: "sprucelink.store")
        storeLogger.logLevel = .warning
        let store = try await SpruceStore.open(
            try options.location, settings: StoreSettings(signingKey: secret.signingKey), logger: storeLogger)
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
