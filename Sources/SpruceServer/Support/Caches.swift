import Foundation
import NIOCore
import Synchronization
import SpruceCore

/// Resolved links kept in memory for a short time, so a popular link is not looked up on every view.
/// A link disabled through this instance is dropped at once.
typealias ResolveCache = ExpiringCache<Resolution>

/// Rendered QR images by their request shape (format, size, margin, code), each with its ETag: the same shape
/// always renders the same bytes, so a hit costs one dictionary look-up and no hashing or rendering.
final class QRImageCache: Sendable {
    struct Image: Sendable {
        let etag: String
        let body: ByteBuffer
    }

    private let images = Mutex<[String: Image]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func get(_ key: String) -> Image? { images.withLock { $0[key] } }

    func put(_ image: Image, for key: String) {
        images.withLock { images in
            if images.count >= capacity { images.removeAll(keepingCapacity: true) }
            images[key] = image
        }
    }
}

/// Values kept for a short time by link code (`--cache-seconds`): resolutions, encoded profile JSON and rendered
/// anonymous profile pages. At most `capacity` entries; emptied when full (simple, and no entry outlives its time).
final class ExpiringCache<Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let expiresAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    private let capacity: Int

    init(lifetime: TimeInterval, capacity: Int = 200_000) {
        self.lifetime = .milliseconds(Int64(lifetime * 1000))
        self.capacity = capacity
    }

    func get(_ code: LinkCode) -> Value? {
        guard lifetime > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[code.rawValue], entry.expiresAt > now else { return nil }
            return entry.value
        }
    }

    func put(_ value: Value, for code: LinkCode) {
        guard lifetime > .zero else { return }
        let entry = Entry(value: value, expiresAt: ContinuousClock.now + lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[code.rawValue] = entry
        }
    }

    func remove(_ code: LinkCode) {
        _ = entries.withLock { $0.removeValue(forKey: code.rawValue) }
    }
}
