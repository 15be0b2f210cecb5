import NIOCore
import NIOHTTP1

/// Keeps the body off responses to `HEAD` and `CONNECT` requests, which must not carry one (RFC 9110 §9.3.2,
/// RFC 9112 §6.3), whatever the router writes. NIO's `configureHTTPServerPipeline` pairs its request decoder with
/// its response encoder for this, but that pairing counts every request the decoder reads, and the ones
/// ``HotReadHandler`` answers never reach the encoder; so ``GuardedHTTP1Channel`` uses an unpaired encoder, and
/// this handler, right before it, does the pairing's job for the requests passed on.
///
/// The head keeps the framing fields the encoder gives it (what the same `GET` would have), as NIO's pairing does;
/// body parts are refused with NIO's `responseBodyNotAllowed`, and a chunked head gets no terminating chunk.
final class BodilessResponseHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// Whether each request passed on and not yet answered must get a bodiless response, oldest first.
    private var bodiless = CircularBuffer<Bool>(initialCapacity: 4)
    /// Set while a bodiless response is written: whether the encoder frames it as chunked.
    private var suppressingChunked: Bool?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let request) = unwrapInboundIn(data) {
            bodiless.append(request.method == .HEAD || request.method == .CONNECT)
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch unwrapOutboundIn(data) {
        case .head(let response):
            let code = response.status.code
            if !(100..<200).contains(code) || code == 101 {
                // A response to no decoded request (Hummingbird's 400 for a malformed one) pops nothing.
                let isBodiless = bodiless.popFirst() ?? false
                // The encoder chunks a head that may have a body and gives no length (on HTTP/1.1).
                let isChunked =
                    response.status.mayHaveResponseBody && !response.headers.contains(name: "content-length")
                    && response.version.major == 1 && response.version.minor >= 1
                suppressingChunked = isBodiless ? isChunked : nil
            }
            context.write(data, promise: promise)
        case .body:
            guard suppressingChunked == nil else {
                promise?.fail(NIOHTTPResponseEncoderError.responseBodyNotAllowed)
                return
            }
            context.write(data, promise: promise)
        case .end:
            guard let isChunked = suppressingChunked else {
                context.write(data, promise: promise)
                return
            }
            suppressingChunked = nil
            if isChunked {
                // No `0\r\n\r\n`: an empty part writes nothing and completes the promise in order.
                context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer()))), promise: promise)
            } else {
                context.write(data, promise: promise)
            }
        }
    }
}
