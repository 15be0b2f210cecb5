import Foundation
import NIOCore
import SpruceCore
import Synchronization

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

/// A value made from an organization's public profile (its profile JSON, its page skeleton), kept per
/// organization and made again when the profile the directory hands out is no longer the one it was made from.
final class ProfileMemo<Value: Sendable>: Sendable {
    private struct Entry {
        let profile: ClinicProfile
        let value: Value
    }

    private let entries = Mutex<[OrganizationID: Entry]>([:])
    private let capacity: Int

    init(capacity: Int = 50_000) { self.capacity = capacity }

    func value(
        for organizationID: OrganizationID,
        _ profile: ClinicProfile,
        make: (ClinicProfile) throws -> Value
    ) rethrows -> Value {
        // Compared where it is stored: taking the entry out would copy (retain) every field of its profile.
        let stored = entries.withLock { entries -> Value? in
            guard let entry = entries[organizationID], entry.profile == profile else { return nil }
            return entry.value
        }
        if let stored { return stored }
        let value = try make(profile)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[organizationID] = Entry(profile: profile, value: value)
        }
        return value
    }
}

/// Text rendered once with markers standing for the parts that vary per request, split around them, so that
/// serving it again is copying bytes instead of rendering a template.
struct Skeleton: Sendable {
    /// The markers: control characters around a name, which no rendered value can contain (profile fields with
    /// control characters are refused by ``ClinicProfile/validated()``, and ``init(_:slots:)`` checks anyway).
    static func marker(_ name: String) -> String { "\u{1}" + name + "\u{1}" }

    private let pieces: [[UInt8]]
    /// The slot between `pieces[i]` and `pieces[i + 1]`.
    private let slots: [Int]
    private let fixedLength: Int

    /// Splits `text` around the markers of `slots`; nil if a stray marker character is left in the text.
    init?(_ text: String, slots names: [String]) {
        var pieces: [[UInt8]] = []
        var slots: [Int] = []
        var rest = Substring(text)
        while let start = rest.firstIndex(of: "\u{1}") {
            let afterStart = rest.index(after: start)
            guard let end = rest[afterStart...].firstIndex(of: "\u{1}"),
                let slot = names.firstIndex(of: String(rest[afterStart..<end]))
            else { return nil }
            pieces.append(Array(rest[..<start].utf8))
            slots.append(slot)
            rest = rest[rest.index(after: end)...]
        }
        pieces.append(Array(rest.utf8))
        self.pieces = pieces
        self.slots = slots
        self.fixedLength = pieces.reduce(0) { $0 + $1.count }
    }

    /// The text with `values[i]` in place of every marker of slot `i`.
    func filled(_ values: [String]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(fixedLength + values.reduce(0) { $0 + $1.utf8.count } * 2)
        for (index, piece) in pieces.enumerated() {
            buffer.writeBytes(piece)
            if index < slots.count { buffer.writeString(values[slots[index]]) }
        }
        return buffer
    }
}
