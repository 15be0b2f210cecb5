import Synchronization

/// A process-wide counter for unique file names.
final class AtomicCounter: Sendable {
    private let value = Atomic<Int>(0)

    /// Adds one and returns the new value.
    func next() -> Int {
        value.add(1, ordering: .relaxed).newValue
    }
}
