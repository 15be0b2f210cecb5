import Foundation
import Synchronization
import SpruceCore

/// Resolved links kept in memory for a short time, so a popular link is not looked up on every view.
///
/// Entries live for the configured lifetime; a link disabled through this instance is dropped at once.
/// The cache holds at most `capacity` entries and is emptied when full (simple, and no entry outlives its time).
final class ResolveCache: Sendable {
    private struct Entry {
        let resolution: Resolution
        let expiresAt: ContinuousClock.Instant
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: Duration
    private let capacity: Int

    init(lifetime: TimeInterval, capacity: Int = 200_000) {
        self.lifetime = .milliseconds(Int64(lifetime * 1000))
        self.capacity = capacity
    }

    func get(_ code: LinkCode) -> Resolution? {
        guard lifetime > .zero else { return nil }
        let now = ContinuousClock.now
        return entries.withLock { entries in
            guard let entry = entries[code.rawValue], entry.expiresAt > now else { return nil }
            return entry.resolution
        }
    }

    func put(_ resolution: Resolution, for code: LinkCode) {
        guard lifetime > .zero else { return }
        let entry = Entry(resolution: resolution, expiresAt: ContinuousClock.now + lifetime)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[code.rawValue] = entry
        }
    }

    func remove(_ code: LinkCode) {
        _ = entries.withLock { $0.removeValue(forKey: code.rawValue) }
    }
}

/// Rendered QR images by ETag: the same link, format, size and margin always render the same bytes.
final class QRImageCache: Sendable {
    private let images = Mutex<[String: [UInt8]]>([:])
    private let capacity: Int

    init(capacity: Int = 20_000) { self.capacity = capacity }

    func get(_ etag: String) -> [UInt8]? { images.withLock { $0[etag] } }

    func put(_ bytes: [UInt8], for etag: String) {
        images.withLock { images in
            if images.count >= capacity { images.removeAll(keepingCapacity: true) }
            images[etag] = bytes
        }
    }
}
