import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mustache
import NIOCore
import ServiceLifecycle
import SpruceCore
import SpruceStore

/// The HTTP service: profile pages and the connect flow in a browser, QR images, and the JSON API.
///
/// ```swift
/// let store = try await SpruceStore.open(.sqlite(path: "sprucelink.sqlite"),
///                                        settings: StoreSettings(signingKey: try SigningKey(secret: secret)))
/// let app = try await SpruceServer.makeApplication(store: store, configuration: configuration, logger: logger)
/// try await app.runService()   // graceful shutdown on SIGTERM and SIGINT
/// ```
public enum SpruceServer {
    /// The `Server` header of every response.
    static let serverName = "SpruceLink"

    /// The folder of the module's templates and static files.
    static func resourceURL(_ name: String) throws -> URL {
        guard let url = Bundle.module.resourceURL?.appendingPathComponent(name),
            FileManager.default.fileExists(atPath: url.path)
        else { throw ServerSetupError(description: "resource \(name) is missing from the SpruceServer bundle") }
        return url
    }

    /// Builds the application: router, middleware, templates and caches.
    /// - Parameters:
    ///   - store: an open store; its ``StoreSettings/signingKey`` signs what the server sends through browsers.
    ///   - logger: request logs and errors go here; no tokens, passwords or link secrets are ever logged.
    /// - Throws: ``ServerSetupError`` when templates or static files cannot be loaded.
    public static func makeApplication(
        store: SpruceStore,
        configuration: ServerConfiguration,
        logger: Logger
    ) async throws -> some ApplicationProtocol {
        let parts = try await ServerParts(store: store, configuration: configuration, logger: logger)
        let hotReads = configuration.answersHotReadsFromMemory ? parts.makeHotReads() : nil
        // Services stop in reverse order: the request log, first here, writes its last lines after the server stopped.
        var services: [any Service] = []
        if let requestLog = parts.requestLog { services.append(RequestLogService(log: requestLog)) }
        // After the request log: stops after the server, so the last requests' counts are flushed.
        if let funnel = parts.funnel {
            await funnel.refreshTimeZones()
            services.append(FunnelService(recorder: funnel))
        }
        services.append(LinkDirectoryService(directory: parts.directory))
        services.append(RateCounterSweep(store: store, logger: logger))
        if let metrics = configuration.metrics {
            services.append(metrics.makeApplication(operations: parts.operations, logger: logger))
        }
        let limits = configuration.connectionLimits
        return Application(
            router: parts.makeRouter(),
            server: .guardedHTTP1(
                configuration: .init(), limits: limits, counter: ConnectionCounter(maximum: limits.maximumConnections),
                hotReads: hotReads),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: serverName),
            services: services,
            logger: logger)
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
