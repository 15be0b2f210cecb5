import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Prometheus
import SpruceStore

/// What operators and the browser's static fetches use: the health check and the stylesheet on the public port;
/// the metrics and a detailed health check on the private metrics listener (``MetricsListener``). No sessions.
struct OperationsController: Sendable {
    static let health = Endpoint(.get, "/healthz")
    static let metrics = Endpoint(.get, "/metrics")
    static let stylesheetFile = Endpoint(.get, "/static/style.css")

    let store: SpruceStore
    let directory: LinkDirectory
    let stylesheet: ByteBuffer

    func addRoutes(to operations: RouterGroup<SpruceRequestContext>) {
        operations.on(Self.health, use: health)
        operations.on(Self.stylesheetFile, use: stylesheetResponse)
    }

    /// The metrics listener's routes: never on the public port.
    func addPrivateRoutes(to listener: RouterGroup<SpruceRequestContext>) {
        listener.on(Self.health, use: detailedHealth)
        listener.on(Self.metrics, use: metricsText)
    }

    /// `GET /healthz` on the public port: `{"status":"ok"}` (200) when the database answers,
    /// `{"status":"unavailable"}` (503) when it does not, and nothing more.
    func health(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        struct Health: Encodable { let status: String }
        do {
            _ = try await store.appliedMigrations()
            return try Response.json(Health(status: "ok"))
        } catch {
            context.logger.error("health check: database unavailable", metadata: ["error.type": "\(type(of: error))"])
            return try Response.json(Health(status: "unavailable"), status: .serviceUnavailable)
        }
    }

    /// `GET /healthz` on the metrics listener: as the public one, and whether links are served from memory
    /// (`current`) or from the database (`loading`, or `stale` when the change feed cannot be read).
    func detailedHealth(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        struct Health: Encodable {
            let status: String
            let database: String
            let linkDirectory: String
            let linksInMemory: Int
        }
        let directoryState = directory.isCurrent ? "current" : directory.count == 0 ? "loading" : "stale"
        do {
            _ = try await store.appliedMigrations()
            return try Response.json(
                Health(
                    status: "ok", database: "ok", linkDirectory: directoryState, linksInMemory: directory.count))
        } catch {
            context.logger.error("health check: database unavailable", metadata: ["error.type": "\(type(of: error))"])
            return try Response.json(
                Health(
                    status: "unavailable", database: "unavailable", linkDirectory: directoryState,
                    linksInMemory: directory.count),
                status: .serviceUnavailable)
        }
    }

    /// `GET /metrics`: every metric in the Prometheus text format.
    func metricsText(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        var bytes: [UInt8] = []
        MetricsRegistry.shared.emit(into: &bytes)
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /static/style.css`.
    func stylesheetResponse(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600"],
            body: .init(byteBuffer: stylesheet))
    }
}
