import NIOCore

/// First in every connection's pipeline, on raw bytes: refuses connections past the cap with a plain `503`, and
/// closes a connection whose request is not read within its deadlines (``RequestDeadlines``), answering `408`
/// when the head was still incomplete.
final class ConnectionGuardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundOut = ByteBuffer

    static let refusal = response(
        status: "503 Service Unavailable", extra: "Retry-After: 5\r\n",
        text: "The server has too many open connections; try again in a few seconds.\n")
    static let timeout = response(
        status: "408 Request Timeout", extra: "",
        text: "The request was not sent in time; the connection is closed.\n")

    private let counter: ConnectionCounter
    private let deadlines: RequestDeadlines
    private var counted = false
    private var refused = false

    init(counter: ConnectionCounter, deadlines: RequestDeadlines) {
        self.counter = counter
        self.deadlines = deadlines
    }

    static func response(status: String, extra: String, text: String) -> String {
        "HTTP/1.1 \(status)\r\nContent-Type: text/plain; charset=utf-8\r\n\(extra)Content-Length: \(text.utf8.count)"
            + "\r\nConnection: close\r\n\r\n\(text)"
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { opened(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        opened(context)
        context.fireChannelActive()
    }

    private func opened(_ context: ChannelHandlerContext) {
        guard !counted else { return }
        counted = true
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        deadlines.onDeadline = { [weak self] phase in
            self?.deadlinePassed(phase, context: loopBound.value)
        }
        deadlines.opened()
        guard counter.opened() else {
            refused = true
            // After the rest of the pipeline is set up: answer and close.
            context.eventLoop.assumeIsolatedUnsafeUnchecked().execute {
                self.answerAndClose(Self.refusal, context: loopBound.value)
            }
            return
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if counted {
            counted = false
            counter.closed()
        }
        deadlines.stop()
        deadlines.onDeadline = nil
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        deadlines.stop()
        deadlines.onDeadline = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !refused else { return }
        deadlines.bytesArrived()
        context.fireChannelRead(data)
    }

    private func deadlinePassed(_ phase: RequestDeadlines.Phase, context: ChannelHandlerContext) {
        switch phase {
        case .readingHead:
            refused = true
            answerAndClose(Self.timeout, context: context)
        case .readingBody, .idle:
            refused = true
            context.close(promise: nil)
        }
    }

    private func answerAndClose(_ text: String, context: ChannelHandlerContext) {
        guard context.channel.isActive else { return }
        let buffer = context.channel.allocator.buffer(string: text)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: written)
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        written.futureResult.whenComplete { _ in loopBound.value.close(promise: nil) }
    }
}
