import NIOCore

/// One connection's request-reading deadlines, shared by its two handlers on the connection's event loop: the
/// byte-level ``ConnectionGuardHandler`` (a request's first bytes start the head deadline; it closes the
/// connection when a deadline passes) and the HTTP-level ``RequestProgressHandler`` (a complete head switches
/// to the body deadline; the end of the request stops the clock). While a response is still being written, bytes
/// of a pipelined next request start no clock: the HTTP codec holds that request back until the response ends, and
/// a slow response must not time out the request queued behind it (the idle timeout still bounds the connection).
final class RequestDeadlines {
    enum Phase { case idle, readingHead, readingBody }

    let headTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    private(set) var phase = Phase.idle
    /// Requests whose head arrived and whose response has not ended.
    private var responsesPending = 0
    private var scheduled: Scheduled<Void>?
    /// What to do when a deadline passes, with the phase it passed in.
    var onDeadline: ((Phase) -> Void)?
    private let eventLoop: any EventLoop

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount, eventLoop: any EventLoop) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.eventLoop = eventLoop
    }

    func bytesArrived() {
        guard phase == .idle, responsesPending == 0 else { return }
        phase = .readingHead
        schedule(headTimeout)
    }

    func headArrived() {
        responsesPending += 1
        phase = .readingBody
        schedule(bodyTimeout)
    }

    func requestEnded() {
        phase = .idle
        cancel()
    }

    func responseEnded() {
        responsesPending = max(0, responsesPending - 1)
    }

    func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }

    private func schedule(_ timeout: TimeAmount) {
        scheduled?.cancel()
        let phase = self.phase
        scheduled = eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(in: timeout) { [weak self] in
            self?.scheduled = nil
            self?.onDeadline?(phase)
        }
    }
}
