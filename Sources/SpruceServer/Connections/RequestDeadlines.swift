import NIOCore

/// One connection's request-reading deadlines, shared by its two handlers on the connection's event loop: the
/// byte-level ``ConnectionGuardHandler`` (a request's first bytes start the head deadline; it closes the
/// connection when a deadline passes) and the HTTP-level ``RequestProgressHandler`` (a complete head switches
/// to the body deadline; the end of the request stops the clock).
final class RequestDeadlines {
    enum Phase { case idle, readingHead, readingBody }

    let headTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    private(set) var phase = Phase.idle
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
        guard phase == .idle else { return }
        phase = .readingHead
        schedule(headTimeout)
    }

    func headArrived() {
        phase = .readingBody
        schedule(bodyTimeout)
    }

    func requestEnded() {
        phase = .idle
        cancel()
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
