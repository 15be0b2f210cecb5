/// Lets one write transaction at a time into an SQLite file from this process, first come first served.
///
/// SQLite allows one writer per file anyway. Queueing writers here, rather than in SQLite's busy handler,
/// keeps waiting writers from occupying the blocking-I/O threads that the writer holding the lock needs
/// to commit (with two threads and three writers, that would deadlock).
actor WriteGate {
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
