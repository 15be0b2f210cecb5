import Synchronization

/// Lets one write transaction at a time into an SQLite file from this process, first come first served.
///
/// SQLite allows one writer per file anyway. Queueing writers here, rather than in SQLite's busy handler,
/// keeps waiting writers from occupying the blocking-I/O threads that the writer holding the lock needs
/// to commit (with two threads and three writers, that would deadlock). There is one gate per file for the
/// whole process, so two stores opened on the same file queue on the same gate.
actor WriteGate {
    private static let gates = Mutex<[String: WriteGate]>([:])

    /// The process's gate for the file at `path` (an absolute, standardized path).
    static func forFile(_ path: String) -> WriteGate {
        gates.withLock { gates in
            if let gate = gates[path] { return gate }
            let gate = WriteGate()
            gates[path] = gate
            return gate
        }
    }

    private var isHeld = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        guard isHeld else {
            isHeld = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func leave() {
        if waiters.isEmpty {
            isHeld = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}
