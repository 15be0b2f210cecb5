import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Sits in each connection's pipeline after the HTTP codec and answers what ``HotReads`` can answer from memory,
/// on the event loop; every other request goes on to Hummingbird untouched.
///
/// Responses on one connection must leave in the order the requests came (HTTP/1.1 pipelining), so a request is
/// only answered here when no earlier one is still with the router: the handler counts the requests it passed on
/// and the response ends that came back through it.
final class HotReadHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let reads: HotReads
    /// Requests passed on whose responses have not ended yet.
    private var passedOn = 0
    /// Set after answering a request here, until its `.end`: its body parts (if any) go nowhere.
    private var discardingBody = false
    private var date = HTTPDate()
    private var funnelMemo = FunnelRecorder.ConnectionMemo()

    init(reads: HotReads) {
        self.reads = reads
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let request):
            let start = ContinuousClock.now
            guard passedOn == 0, let answer = reads.answer(request, date: date.now()) else {
                passedOn += 1
                context.fireChannelRead(data)
                return
            }
            discardingBody = true
            context.write(wrapOutboundOut(.head(answer.head)), promise: nil)
            if let body = answer.body { context.write(wrapOutboundOut(.body(body)), promise: nil) }
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            reads.record(
                answer, request, elapsed: ContinuousClock.now - start,
                client: reads.clientAddress(peer: context.channel.remoteAddress?.ipAddress, request),
                memo: &funnelMemo)
        case .body, .end:
            if discardingBody {
                if case .end = part { discardingBody = false }
                return
            }
            context.fireChannelRead(data)
        }
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { passedOn = max(0, passedOn - 1) }
        context.write(data, promise: promise)
    }
}
