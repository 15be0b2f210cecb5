import Foundation
import Hummingbird
import Logging
import NIOCore

/// Where `/metrics` (and a detailed `/healthz`) are served: their own listener, loopback by default, never the
/// public port, so traffic figures stay with the operator.
public struct MetricsListener: Sendable {
    public var host: String
    /// The port; 0 picks a free one (reported to ``onListening``).
    public var port: Int
    /// Called with the bound port once the listener is up.
    public var onListening: (@Sendable (Int) async -> Void)?

    public init(host: String = "127.0.0.1", port: Int = 9464, onListening: (@Sendable (Int) async -> Void)? = nil) {
        self.host = host
        self.port = port
        self.onListening = onListening
    }

    /// The listener's application: `GET /metrics` and `GET /healthz` (with the link directory's state).
    func makeApplication(operations: OperationsController, logger: Logger) -> some ApplicationProtocol {
        let router = Router(context: SpruceRequestContext.self)
        operations.addPrivateRoutes(to: router.group())
        let onListening = self.onListening
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: SpruceServer.serverName),
            onServerRunning: { channel in await onListening?(channel.localAddress?.port ?? 0) },
            logger: logger)
    }
}
