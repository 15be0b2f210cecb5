import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Hummingbird's HTTP/1.1 child channel (`HTTP1Channel`) with the connection guard in front and the hot reads
/// answered before NIO's response encoder. Each connection's pipeline, from the socket inwards:
///
/// 1. ``ConnectionGuardHandler`` (bytes): the connection cap and the head, body and idle deadlines;
/// 2. NIO's `HTTPRequestDecoder`, with Hummingbird's limits;
/// 3. ``HotReadHandler`` (when the server answers hot reads): answers from memory with whole responses as bytes,
///    which go toward the socket past everything below;
/// 4. NIO's `HTTPResponseEncoder`;
/// 5. ``RequestProgressHandler``, on NIO's HTTP/1 parts of the requests passed on;
/// 6. Hummingbird's `HTTP1ToHTTPServerCodec`, its `HTTPConnectionStateHandler` (graceful close)
///    and the `NIOAsyncChannel` its router reads from.
///
/// This is what `HTTP1Channel.setup` builds (`configureHTTPServerPipeline` without pipelining assistance, error
/// handling or header validation, then the codec and the state handler), with the hot reads moved in front of
/// the encoder; the guard and the hot reads share the connection's ``RequestDeadlines``. One difference: the
/// decoder is not paired with the encoder (that internal pairing has the encoder drop bodies of responses to
/// `HEAD` by counting every decoded request, and the hot answers never reach the encoder, so its count would
/// drift and grow). Hummingbird's router answers `HEAD` with the `GET`'s head and an empty body itself
/// (`Response.createHeadResponse`), error pages included; `HotReadsTests.head` checks it on the wire.
struct GuardedHTTP1Channel: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value

    let responder: HTTPChannelHandler.Responder
    let configuration: HTTP1Channel.Configuration
    let limits: ConnectionLimits
    let counter: ConnectionCounter
    let hotReads: HotReads?

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let deadlines = RequestDeadlines(
                headTimeout: .milliseconds(Int64(limits.headTimeout * 1000)),
                bodyTimeout: .milliseconds(Int64(limits.bodyTimeout * 1000)),
                idleTimeout: .milliseconds(Int64(limits.idleTimeout * 1000)), eventLoop: channel.eventLoop)
            var decoderLimits = NIOHTTPDecoderLimitConfiguration()
            decoderLimits.maxHeaderFieldSize = configuration.httpDecoder.maxHeaderFieldSize
            decoderLimits.maxHeaderListSize = configuration.httpDecoder.maxHeaderListSize
            decoderLimits.maxHeaderFieldCount = configuration.httpDecoder.maxHeaderFieldCount
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(ConnectionGuardHandler(counter: counter, deadlines: deadlines))
            try pipeline.addHandler(
                ByteToMessageHandler(
                    HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes, limitConfiguration: decoderLimits)))
            if let hotReads { try pipeline.addHandler(HotReadHandler(reads: hotReads, deadlines: deadlines)) }
            try pipeline.addHandler(HTTPResponseEncoder(configuration: .init()))
            try pipeline.addHandler(RequestProgressHandler(deadlines: deadlines))
            try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
            try pipeline.addHandlers(configuration.additionalChannelHandlers())
            // Its idle timeout stays off: ``RequestDeadlines`` keeps it, seeing the hot reads too.
            try pipeline.addHandler(HTTPConnectionStateHandler(idleTimeout: nil, logger: logger))
            return try NIOAsyncChannel(
                wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
        }
    }

    func handle(value: Value, logger: Logger) async {
        await handleHTTP(asyncChannel: value, logger: logger)
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 behind ``ConnectionLimits``: idle timeout, head and body deadlines, a cap on open connections;
    /// `hotReads` answered before the router when given.
    static func guardedHTTP1(
        configuration: HTTP1Channel.Configuration, limits: ConnectionLimits, counter: ConnectionCounter,
        hotReads: HotReads?
    ) -> HTTPServerBuilder {
        HTTPServerBuilder { responder in
            GuardedHTTP1Channel(
                responder: responder, configuration: configuration, limits: limits, counter: counter,
                hotReads: hotReads)
        }
    }
}
