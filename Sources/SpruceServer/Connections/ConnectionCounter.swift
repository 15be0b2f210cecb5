import Synchronization

/// The number of open connections of one server, shared by every connection's ``ConnectionGuardHandler``.
final class ConnectionCounter: Sendable {
    let maximum: Int
    private let open = Atomic<Int>(0)

    init(maximum: Int) {
        self.maximum = maximum
    }

    /// Counts a new connection; `false` when it is one too many (it is counted all the same until it closes).
    func opened() -> Bool {
        open.add(1, ordering: .relaxed).newValue <= maximum
    }

    func closed() {
        open.subtract(1, ordering: .relaxed)
    }

    var count: Int { open.load(ordering: .relaxed) }
}
