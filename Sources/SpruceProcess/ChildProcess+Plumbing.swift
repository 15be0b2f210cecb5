// The one file of SpruceProcess with file descriptors and C strings: the child's three descriptors, the spawn,
// the loop that feeds its input and reads its outputs, and the thread an async run waits on.
import CSpruceSpawn
import Glibc

extension ChildProcess {
    /// The descriptors of one child: its ends (closed here once it has started) and ours.
    struct Plumbing {
        private var childEnds: (input: Int32, output: Int32, errors: Int32) = (-1, -1, -1)
        /// Our ends: the input's socket, the captured outputs' pipes; -1 when there is none or it is closed.
        private var parentEnds: (input: Int32, output: Int32, errors: Int32) = (-1, -1, -1)
        /// Every descriptor opened here and not closed yet.
        private var owned: Set<Int32> = []
        private var pendingInput: [UInt8] = []
        private(set) var captured: (output: [UInt8], errors: [UInt8]) = ([], [])

        init(input: Input, output: Output, errors: Output) throws(ChildProcessError) {
            do {
                switch input {
                case .none:
                    childEnds.input = try open("/dev/null", flags: O_RDONLY)
                case .bytes(let bytes):
                    // A socket, not a pipe: send(MSG_NOSIGNAL) to a child that stopped reading fails with EPIPE
                    // instead of raising SIGPIPE in this whole process.
                    (parentEnds.input, childEnds.input) = try pair(socket: true)
                    pendingInput = bytes
                }
                (childEnds.output, parentEnds.output) = try ends(of: output, inherited: STDOUT_FILENO)
                (childEnds.errors, parentEnds.errors) = try ends(of: errors, inherited: STDERR_FILENO)
            } catch {
                closeAll()
                throw error
            }
        }

        /// The child's end and ours (-1: none) of one output.
        private mutating func ends(of output: Output, inherited: Int32) throws(ChildProcessError) -> (Int32, Int32) {
            switch output {
            case .discard: return (try open("/dev/null", flags: O_WRONLY), -1)
            case .file(let path): return (try open(path, flags: O_WRONLY | O_CREAT | O_APPEND), -1)
            case .inherit: return (inherited, -1)
            case .capture:
                let (read, write) = try pair(socket: false)
                return (write, read)
            }
        }

        private mutating func open(_ path: String, flags: Int32) throws(ChildProcessError) -> Int32 {
            let descriptor = Glibc.open(path, flags | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else { throw .cannotOpen(path: path, errno: errno) }
            owned.insert(descriptor)
            return descriptor
        }

        /// A pipe (read end, write end) or a socket pair (ours, the child's); ours does not block. Both close on
        /// exec, so that a child started meanwhile by another thread does not hold them open.
        private mutating func pair(socket: Bool) throws(ChildProcessError) -> (Int32, Int32) {
            var descriptors: [Int32] = [-1, -1]
            let result =
                socket
                ? socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &descriptors)
                : spruce_pipe(&descriptors)
            guard result == 0 else { throw .pipeFailed(errno: errno) }
            owned.formUnion(descriptors)
            _ = fcntl(descriptors[0], F_SETFL, fcntl(descriptors[0], F_GETFL) | O_NONBLOCK)
            return (descriptors[0], descriptors[1])
        }

        /// Starts `child` and closes its ends here.
        mutating func spawn(_ child: ChildProcess) throws(ChildProcessError) -> pid_t {
            let arguments = ([child.executable] + child.arguments).map { strdup($0) } + [nil]
            let environment = child.environment.isEmpty ? nil : Self.environment(adding: child.environment)
            defer {
                for pointer in arguments { free(pointer) }
                for pointer in environment ?? [] { free(pointer) }
            }
            var pid: pid_t = 0
            let status = arguments.withUnsafeBufferPointer { argumentPointers in
                withOptionalPointer(environment) { environmentPointers in
                    spruce_spawn(
                        child.executable, argumentPointers.baseAddress, environmentPointers, child.directory,
                        childEnds.input, childEnds.output, childEnds.errors, &pid)
                }
            }
            for end in [childEnds.input, childEnds.output, childEnds.errors] { close(end) }
            childEnds = (-1, -1, -1)
            guard status == 0 else { throw .cannotStart(program: child.executable, errno: status) }
            if parentEnds.input >= 0, pendingInput.isEmpty { close(parentEnds.input) }
            return pid
        }

        /// This process's environment with `added` put in, as `NAME=value` C strings ending in `nil`.
        private static func environment(adding added: [String: String]) -> [UnsafeMutablePointer<CChar>?] {
            var entries: [UnsafeMutablePointer<CChar>?] = []
            var index = 0
            while let entry = environ[index] {
                let text = String(cString: entry)
                let name = text.split(separator: "=", maxSplits: 1).first.map(String.init) ?? text
                if added[name] == nil { entries.append(strdup(entry)) }
                index += 1
            }
            for (name, value) in added.sorted(by: { $0.key < $1.key }) { entries.append(strdup("\(name)=\(value)")) }
            return entries + [nil]
        }

        /// Writes the input and reads the captured outputs until the child has closed them all; `false` when
        /// `deadline` passes first.
        mutating func exchange(until deadline: ContinuousClock.Instant?) throws(ChildProcessError) -> Bool {
            var written = 0
            var buffer = [UInt8](repeating: 0, count: 65_536)
            while parentEnds.input >= 0 || parentEnds.output >= 0 || parentEnds.errors >= 0 {
                var watched: [pollfd] = []
                if parentEnds.input >= 0 {
                    watched.append(pollfd(fd: parentEnds.input, events: Int16(POLLOUT), revents: 0))
                }
                for end in [parentEnds.output, parentEnds.errors] where end >= 0 {
                    watched.append(pollfd(fd: end, events: Int16(POLLIN), revents: 0))
                }
                var wait: Int32 = -1
                if let deadline {
                    let left = deadline - ContinuousClock.now
                    guard left > .zero else { return false }
                    wait = Int32(
                        min(left.components.seconds, 60) * 1000 + left.components.attoseconds / 1_000_000_000_000_000
                            + 1)
                }
                let ready = poll(&watched, nfds_t(watched.count), wait)
                if ready < 0 {
                    if errno == EINTR { continue }
                    throw .pipeFailed(errno: errno)
                }
                for entry in watched where entry.revents != 0 {
                    if entry.fd == parentEnds.input {
                        written += send(from: written)
                    } else {
                        let count = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                        if count > 0 {
                            if entry.fd == parentEnds.output {
                                captured.output += buffer[..<count]
                            } else {
                                captured.errors += buffer[..<count]
                            }
                        } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                            closeParentEnd(entry.fd)
                        }
                    }
                }
            }
            return true
        }

        /// Sends what is left of the input from `offset`; returns how many bytes went, and closes the socket once
        /// all have (the child then reads the end of the file) or the child stopped reading.
        private mutating func send(from offset: Int) -> Int {
            let count = pendingInput.withUnsafeBytes { bytes in
                Glibc.send(
                    parentEnds.input, bytes.baseAddress.map { $0 + offset }, bytes.count - offset,
                    Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if count < 0 {
                if errno != EAGAIN && errno != EINTR { closeParentEnd(parentEnds.input) }
                return 0
            }
            if offset + count == pendingInput.count { closeParentEnd(parentEnds.input) }
            return count
        }

        private mutating func closeParentEnd(_ descriptor: Int32) {
            close(descriptor)
            if parentEnds.input == descriptor { parentEnds.input = -1 }
            if parentEnds.output == descriptor { parentEnds.output = -1 }
            if parentEnds.errors == descriptor { parentEnds.errors = -1 }
        }

        private mutating func close(_ descriptor: Int32) {
            guard owned.remove(descriptor) != nil else { return }
            _ = Glibc.close(descriptor)
        }

        /// Closes every descriptor still open here.
        mutating func closeAll() {
            for descriptor in owned { _ = Glibc.close(descriptor) }
            owned = []
            parentEnds = (-1, -1, -1)
            childEnds = (-1, -1, -1)
        }
    }
}

/// Calls `body` with the array's base address, or with `nil` for no array.
private func withOptionalPointer<Element, Result>(
    _ array: [Element]?, _ body: (UnsafePointer<Element>?) -> Result
) -> Result {
    guard let array else { return body(nil) }
    return array.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// A thread of its own for one blocking job, started with `pthread_create` and detached: Dispatch's global queues
/// grow only slowly past the processor count when their threads block, and Foundation's `Thread` is not imported here.
enum DetachedThread {
    private final class Job {
        let work: @Sendable () -> Void
        init(_ work: @escaping @Sendable () -> Void) { self.work = work }
    }

    /// Runs `work` on a new thread; the error number when none could be started (and `work` never runs).
    static func start(_ work: @escaping @Sendable () -> Void) -> Int32? {
        let job = Unmanaged.passRetained(Job(work)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { raw in
                guard let raw else { return nil }
                Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().work()
                return nil
            }, job)
        guard result == 0 else {
            Unmanaged<Job>.fromOpaque(job).release()
            return result
        }
        pthread_detach(thread)
        return nil
    }
}

/// The text of an error number.
enum SystemError {
    static func text(_ number: Int32) -> String {
        guard let text = strerror(number) else { return "error \(number)" }
        return String(cString: text)
    }
}
