import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1.1 child channel with the connection guard in front: each connection gets a
/// ``ConnectionGuardHandler`` before the HTTP codec and a ``RequestProgressHandler`` right after it (then the
/// configured handlers, such as hot reads), both sharing the connection's ``RequestDeadlines``.
struct GuardedHTTP1Channel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let limits: ConnectionLimits
    let counter: ConnectionCounter

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let deadlines = RequestDeadlines(
            headTimeout: .milliseconds(Int64(limits.headTimeout * 1000)),
            bodyTimeout: .milliseconds(Int64(limits.bodyTimeout * 1000)), eventLoop: channel.eventLoop)
        var configuration = self.configuration
        let additional = configuration.additionalChannelHandlers
        let progress = NIOLoopBound(deadlines, eventLoop: channel.eventLoop)
        configuration.additionalChannelHandlers = {
            [RequestProgressHandler(deadlines: progress.value)] + additional()
        }
        let inner = HTTP1Channel(responder: responder, configuration: configuration)
        do {
            try channel.pipeline.syncOperations.addHandler(
                ConnectionGuardHandler(counter: counter, deadlines: deadlines))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return inner.setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 behind ``ConnectionLimits``: idle timeout, head and body deadlines, a cap on open connections.
    static func guardedHTTP1(
        configuration: HTTP1Channel.Configuration, limits: ConnectionLimits, counter: ConnectionCounter
    ) -> HTTPServerBuilder {
        var timed = configuration
        timed.idleTimeout = .milliseconds(Int64(limits.idleTimeout * 1000))
        let configuration = timed
        return HTTPServerBuilder { responder in
            GuardedHTTP1Channel(responder: responder, configuration: configuration, limits: limits, counter: counter)
        }
    }
}
