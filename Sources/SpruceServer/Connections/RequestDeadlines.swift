import NIOCore

/// One connection's request-reading deadlines, shared by its handlers on the connection's event loop: the
/// byte-level ``ConnectionGuardHandler`` (a request's first bytes start the head deadline; it closes the
/// connection when a deadline passes) and the HTTP-level ``HotReadHandler`` (for the requests it answers) and
/// ``RequestProgressHandler`` (for the ones passed on to the router): a complete head switches to the body
/// deadline, the end of the request stops the clock, and the end of its response is counted. While a response is
/// still being written, bytes of a pipelined next request start no clock: the router takes that request only once
/// the response ends, and a slow response must not time out the request queued behind it (the idle timeout still
/// bounds the connection).
///
/// The idle timeout is kept here too (not by Hummingbird's connection state handler, which never sees the
/// requests ``HotReadHandler`` answers and closed connections busy with them): with nothing in progress, the
/// idle clock runs until the next request's first bytes.
///
/// Setting and clearing a deadline only writes a time: one timer per connection checks it when it fires and, if the
/// deadline moved later, waits again for the rest. Scheduling and cancelling an event-loop task twice per request
/// cost about 5 % of the server's CPU on the hot reads (measured with `perf` under `Benchmarks/run-http.sh`).
final class RequestDeadlines {
    enum Phase { case idle, readingHead, readingBody }

    let headTimeout: TimeAmount
    let bodyTimeout: TimeAmount
    /// How long a connection with no request in progress stays open.
    let idleTimeout: TimeAmount
    private(set) var phase = Phase.idle
    /// Requests whose head arrived and whose response has not ended: while one is with the router,
    /// ``HotReadHandler`` answers nothing (pipelined responses leave in order).
    private(set) var responsesPending = 0
    /// When the current phase's deadline passes, if a clock runs.
    private var deadline: NIODeadline?
    /// The one timer, and when it fires.
    private var timer: (task: Scheduled<Void>, fires: NIODeadline)?
    /// What to do when a deadline passes, with the phase it passed in.
    var onDeadline: ((Phase) -> Void)?
    private let eventLoop: any EventLoop

    init(headTimeout: TimeAmount, bodyTimeout: TimeAmount, idleTimeout: TimeAmount, eventLoop: any EventLoop) {
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.idleTimeout = idleTimeout
        self.eventLoop = eventLoop
    }

    /// The connection opened: nothing is in progress, the idle clock runs.
    func opened() {
        schedule(idleTimeout)
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
        if responsesPending == 0 { schedule(idleTimeout) } else { cancel() }
    }

    func responseEnded() {
        responsesPending = max(0, responsesPending - 1)
        if responsesPending == 0, phase == .idle { schedule(idleTimeout) }
    }

    func cancel() {
        deadline = nil
    }

    /// Stops the timer for good (the connection closed).
    func stop() {
        deadline = nil
        timer?.task.cancel()
        timer = nil
    }

    private func schedule(_ timeout: TimeAmount) {
        let deadline = NIODeadline.now() + timeout
        self.deadline = deadline
        if let timer, timer.fires <= deadline { return }
        arm(at: deadline)
    }

    private func arm(at time: NIODeadline) {
        timer?.task.cancel()
        let task = eventLoop.assumeIsolatedUnsafeUnchecked().scheduleTask(deadline: time) { [weak self] () -> Void in
            self?.timerFired()
        }
        timer = (task, time)
    }

    private func timerFired() {
        timer = nil
        guard let deadline else { return }
        if deadline <= NIODeadline.now() {
            self.deadline = nil
            onDeadline?(phase)
        } else {
            arm(at: deadline)
        }
    }
}
