import Glibc

/// A program run with `posix_spawn`, to its end (``run(timeout:)``) or in the background (``start()``).
///
/// Written by hand rather than with Foundation's `Process` or swift-subprocess: `Process.run()` of Swift 6.3.1's
/// Foundation copies 256 bytes out of each `dirent` of /proc/self/fd and now and then reads past glibc's buffer
/// and crashes (swift-corelibs-foundation #5472, fixed after this toolchain; it stopped the test suite once in
/// five runs), and swift-subprocess is async only, while mail goes out from a blocking thread pool.
public struct ChildProcess: Sendable {
    /// What the child reads on its standard input.
    public enum Input: Sendable, Equatable {
        /// `/dev/null`.
        case none
        /// These bytes, then the end of the file. Written while the outputs are read, so neither side waits.
        case bytes([UInt8])
    }

    /// Where one of the child's outputs goes.
    public enum Output: Sendable, Equatable {
        /// `/dev/null`.
        case discard
        /// Kept in memory and returned by ``run(timeout:)``.
        case capture
        /// Appended to the file at this path, which is made if missing.
        case file(String)
        /// This process's own standard output or standard error.
        case inherit
    }

    /// The program's path (no search of `PATH`: give `/usr/bin/env` and the name to have one).
    public var executable: String
    /// The arguments after the program's name.
    public var arguments: [String]
    /// The directory it starts in; `nil` for this process's.
    public var directory: String?
    /// Variables added to this process's environment (or replacing those of the same name).
    public var environment: [String: String] = [:]
    public var input: Input = .none
    public var output: Output = .capture
    public var errors: Output = .capture

    public init(_ executable: String, _ arguments: [String]) {
        self.executable = executable
        self.arguments = arguments
    }

    /// How the child ended.
    public enum Termination: Sendable, Equatable, CustomStringConvertible {
        case exited(Int32)
        case killed(signal: Int32)

        /// The exit status, or the number of the signal that killed it.
        public var status: Int32 {
            switch self {
            case .exited(let status): status
            case .killed(let signal): signal
            }
        }

        public var description: String {
            switch self {
            case .exited(let status): "exited with status \(status)"
            case .killed(let signal): "was killed by signal \(signal)"
            }
        }
    }

    /// A child that has ended, with what it wrote to the outputs that were captured.
    public struct Finished: Sendable {
        public var termination: Termination
        public var output: [UInt8]
        public var errors: [UInt8]

        /// The exit status, or the number of the signal that killed it.
        public var status: Int32 { termination.status }
    }

    /// Runs the program to its end, feeding its input and reading its captured outputs as they come.
    /// - Parameter timeout: how long it may run; past it the child is killed (`SIGKILL`) and waited for.
    /// - Throws: ``ChildProcessError`` when a file cannot be opened, the program cannot start, or it times out.
    public func run(timeout: Duration? = nil) throws(ChildProcessError) -> Finished {
        let deadline = timeout.map { ContinuousClock.now + $0 }
        var plumbing = try Plumbing(input: input, output: output, errors: errors)
        defer { plumbing.closeAll() }
        let pid = try plumbing.spawn(self)
        let exchanged: Bool
        do { exchanged = try plumbing.exchange(until: deadline) } catch {
            Self.killAndWait(pid)
            throw error
        }
        guard exchanged, let termination = Self.waitForExit(of: pid, until: deadline) else {
            Self.killAndWait(pid)
            throw .timedOut(program: executable, seconds: timeout?.seconds ?? 0)
        }
        return Finished(termination: termination, output: plumbing.captured.output, errors: plumbing.captured.errors)
    }

    /// ``run(timeout:)`` from async code: the child is run and waited for on a thread of its own, so the caller
    /// holds none of the cooperative pool's threads (as many as processors), which every other task needs. A test
    /// suite that waited for its tools on them held up its own live servers' requests for seconds.
    /// - Throws: as ``run(timeout:)``, and ``ChildProcessError/threadFailed(errno:)`` without a thread to wait on.
    public func run(timeout: Duration? = nil) async throws(ChildProcessError) -> Finished {
        let result = await withCheckedContinuation {
            (continuation: CheckedContinuation<Result<Finished, ChildProcessError>, Never>) in
            let started = DetachedThread.start {
                continuation.resume(
                    returning: Result { () throws(ChildProcessError) in try self.run(timeout: timeout) })
            }
            if let failure = started { continuation.resume(returning: .failure(.threadFailed(errno: failure))) }
        }
        return try result.get()
    }

    /// Starts the program and returns at once; its outputs go to files, `/dev/null` or this process's.
    /// - Throws: ``ChildProcessError`` when an output is `.capture` (only ``run(timeout:)`` reads one), a file
    ///   cannot be opened, or the program cannot start.
    public func start() throws(ChildProcessError) -> RunningChild {
        guard output != .capture, errors != .capture else { throw .captureNeedsRun(program: executable) }
        guard case .none = input else { throw .inputNeedsRun(program: executable) }
        var plumbing = try Plumbing(input: input, output: output, errors: errors)
        defer { plumbing.closeAll() }
        return RunningChild(processIdentifier: try plumbing.spawn(self))
    }

    /// Kills `pid` and waits for it, so that it leaves no zombie.
    private static func killAndWait(_ pid: pid_t) {
        kill(pid, SIGKILL)
        _ = waitForExit(of: pid, until: nil)
    }

    /// Waits for `pid` to end; `nil` when `deadline` passes first.
    static func waitForExit(of pid: pid_t, until deadline: ContinuousClock.Instant?) -> Termination? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, deadline == nil ? 0 : WNOHANG)
            if result == pid { return Termination(waitStatus: status) }
            if result < 0 {
                if errno == EINTR { continue }
                return .exited(-1)
            }
            guard let deadline, ContinuousClock.now < deadline else { return nil }
            usleep(2_000)
        }
    }
}

/// A child started by ``ChildProcess/start()``. Not `Sendable`: one owner signals it and waits for it.
public final class RunningChild {
    public let processIdentifier: Int32
    private var ended: ChildProcess.Termination?

    init(processIdentifier: Int32) {
        self.processIdentifier = processIdentifier
    }

    /// Whether it is still running (if it ended, it is waited for here).
    public var isRunning: Bool {
        if ended != nil { return false }
        ended = ChildProcess.waitForExit(of: processIdentifier, until: .now)
        return ended == nil
    }

    /// Sends `signal` unless it has been waited for already (its number may belong to another process by then).
    public func send(signal: Int32) {
        guard ended == nil else { return }
        kill(processIdentifier, signal)
    }

    /// Waits for it to end.
    @discardableResult
    public func wait() -> ChildProcess.Termination {
        if let ended { return ended }
        let termination = ChildProcess.waitForExit(of: processIdentifier, until: nil) ?? .exited(-1)
        ended = termination
        return termination
    }
}

/// Why a child could not be run.
public enum ChildProcessError: Error, Equatable, CustomStringConvertible {
    case cannotStart(program: String, errno: Int32)
    case cannotOpen(path: String, errno: Int32)
    case pipeFailed(errno: Int32)
    case timedOut(program: String, seconds: Double)
    case captureNeedsRun(program: String)
    case inputNeedsRun(program: String)
    case threadFailed(errno: Int32)

    public var description: String {
        switch self {
        case .cannotStart(let program, let number): "cannot run \(program): \(SystemError.text(number))"
        case .cannotOpen(let path, let number): "cannot open \(path): \(SystemError.text(number))"
        case .pipeFailed(let number): "cannot talk to the child: \(SystemError.text(number))"
        case .timedOut(let program, let seconds): "\(program) ran longer than \(seconds) s and was killed"
        case .captureNeedsRun(let program): "\(program): only run(timeout:) can capture an output"
        case .inputNeedsRun(let program): "\(program): only run(timeout:) can feed an input"
        case .threadFailed(let number): "cannot start a thread to wait for the child: \(SystemError.text(number))"
        }
    }
}

extension ChildProcess.Termination {
    /// From `waitpid`'s status word (the `WIFEXITED` macros are not imported into Swift).
    init(waitStatus status: Int32) {
        let signal = status & 0x7F
        self = signal == 0 ? .exited((status >> 8) & 0xFF) : .killed(signal: signal)
    }
}

extension Duration {
    fileprivate var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
