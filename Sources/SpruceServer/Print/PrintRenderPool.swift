import Hummingbird
import NIOCore
import NIOPosix
import SprucePrint
import Synchronization

/// Renders print documents on NIO's blocking thread pool, never on an event loop, with at most ``capacity``
/// documents waiting or rendering at once; past that a request gets 503 with `Retry-After` instead of a queue
/// that grows without bound.
final class PrintRenderPool: Sendable {
    let capacity: Int
    private let inFlight = Mutex(0)
    private let threads: NIOThreadPool

    init(capacity: Int = 8, threads: NIOThreadPool = .singleton) {
        self.capacity = capacity
        self.threads = threads
    }

    /// - Throws: ``PrintError`` from rendering; a 503 when ``capacity`` documents are already in flight.
    func render(_ document: PrintDocument, _ content: PrintContent) async throws -> [UInt8] {
        let admitted = inFlight.withLock { count in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard admitted else {
            throw HTTPError(
                .serviceUnavailable, headers: [.retryAfter: "1"],
                message: "too many documents are being printed; try again")
        }
        defer { inFlight.withLock { $0 -= 1 } }
        return try await threads.runIfActive { try document.render(content) }
    }
}

/// Rendered print documents by ETag, up to ``byteLimit`` bytes in all (then the cache starts over).
final class PrintCache: Sendable {
    private struct State {
        var documents: [String: ByteBuffer] = [:]
        var bytes = 0
    }

    let byteLimit: Int
    private let state = Mutex(State())

    init(byteLimit: Int = 64 * 1024 * 1024) { self.byteLimit = byteLimit }

    func get(_ etag: String) -> ByteBuffer? { state.withLock { $0.documents[etag] } }

    func put(_ document: ByteBuffer, for etag: String) {
        state.withLock { state in
            if state.bytes + document.readableBytes > byteLimit {
                state.documents.removeAll(keepingCapacity: true)
                state.bytes = 0
            }
            guard document.readableBytes <= byteLimit, state.documents[etag] == nil else { return }
            state.documents[etag] = document
            state.bytes += document.readableBytes
        }
    }
}

/// What the print route keeps for the life of the server.
struct Printing: Sendable {
    let pool = PrintRenderPool()
    let cache = PrintCache()
}
