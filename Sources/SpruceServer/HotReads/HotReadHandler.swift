import NIOCore
import NIOHTTP1

/// Sits in each connection's pipeline right after NIO's HTTP/1 request decoder and answers what ``HotReads`` can
/// answer from memory, on the event loop, by writing the whole response as one buffer of bytes straight toward
/// the socket: past NIO's response encoder, Hummingbird's HTTPTypes codec and the router. Every other request goes
/// on to them untouched (see ``GuardedHTTP1Channel`` for the order of the handlers).
///
/// Responses on one connection must leave in the order the requests came (HTTP/1.1 pipelining), so a request is
/// only answered here when no earlier one is still with the router: the connection's ``RequestDeadlines`` counts
/// the requests whose response has not ended, told by ``RequestProgressHandler`` for the ones passed on and by
/// this handler for its own (which end as they are written). The same calls keep the head, body and idle
/// deadlines right for the requests answered here.
final class HotReadHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundOut = ByteBuffer

    private let reads: HotReads
    private let deadlines: RequestDeadlines
    /// Set after answering a request here, until its `.end`: its body parts (if any) go nowhere.
    private var discardingBody = false
    /// Answers written since the last flush: flushed once the read that carried their requests is done, so
    /// pipelined answers leave in one write.
    private var unflushed = false
    private var date = HTTPDate()
    private var funnelMemo = FunnelRecorder.ConnectionMemo()
    /// The peer's address as text, formatted on the first answer: it does not change for the connection.
    private var peer: String??

    init(reads: HotReads, deadlines: RequestDeadlines) {
        self.reads = reads
        self.deadlines = deadlines
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let request):
            let start = ContinuousClock.now
            guard deadlines.responsesPending == 0, let answer = reads.answer(request, date: date.now()) else {
                context.fireChannelRead(data)
                return
            }
            deadlines.headArrived()
            discardingBody = true
            context.write(wrapOutboundOut(answer.bytes), promise: nil)
            unflushed = true
            deadlines.responseEnded()
            reads.record(
                answer, request, elapsed: ContinuousClock.now - start,
                client: reads.clientAddress(peer: peerAddress(context), request),
                memo: &funnelMemo)
        case .body:
            guard !discardingBody else { return }
            context.fireChannelRead(data)
        case .end:
            guard !discardingBody else {
                discardingBody = false
                deadlines.requestEnded()
                return
            }
            context.fireChannelRead(data)
        }
    }

    private func peerAddress(_ context: ChannelHandlerContext) -> String? {
        if let peer { return peer }
        let address = context.channel.remoteAddress?.ipAddress
        peer = .some(address)
        return address
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if unflushed {
            unflushed = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }
}
