import Foundation
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The default delivery target: a Maildir for email (`tmp/`, `new/`, `cur/`) and, in the same folder, a JSON Lines
/// file `texts.jsonl` for text messages, one ``TextRecord`` per line.
///
/// Every message is first **spooled**: written completely to `tmp/` (as `NAME.part`, synced, then renamed to
/// `NAME`), and only then delivered: an email by renaming `tmp/NAME` to `new/NAME` (the Maildir protocol), a text
/// by appending its line to `texts.jsonl` in one `write` on an `O_APPEND` descriptor and removing the spool file.
/// A process killed at any point leaves either a complete spool file or a delivered message, never half of one;
/// ``index()`` tells a re-run which is which.
public struct Outbox: Sendable {
    public let directory: String
    /// Whether messages are made durable before they are renamed or counted as appended (on by default): each
    /// on its own with `fsync`, or a chunk at a time (see ``spool(_:)`` and ``syncDeliveries()``).
    public let syncsToDisk: Bool
    /// How a chunk of messages is made durable with one flush.
    public let chunkFlush: ChunkFlush

    var tmp: String { directory + "/tmp" }
    var new: String { directory + "/new" }
    var cur: String { directory + "/cur" }
    /// The JSON Lines file of delivered texts.
    public var textsFile: String { directory + "/texts.jsonl" }

    /// Opens (creating if needed) the outbox at `directory`, and cuts a torn last line off `texts.jsonl` (only a
    /// crash of the whole machine mid-write can leave one).
    /// - Throws: ``DeliveryError`` when the folders cannot be created.
    public init(directory: String, syncsToDisk: Bool = true, chunkFlush: ChunkFlush = .fileSystem) throws(DeliveryError)
    {
        self.directory = directory
        self.syncsToDisk = syncsToDisk
        self.chunkFlush = chunkFlush
        for path in [directory, tmp, new, cur] {
            if mkdir(path, 0o700) != 0 && errno != EEXIST { throw .system("cannot create", path, errno) }
        }
        try repairTextsFile()
    }

    /// ``init(directory:syncsToDisk:chunkFlush:)`` run on `threadPool`: creating the folders and repairing the
    /// texts file block, so callers on Swift's cooperative pool open an outbox this way.
    public static func make(
        directory: String,
        syncsToDisk: Bool = true,
        chunkFlush: ChunkFlush = .fileSystem,
        on threadPool: NIOThreadPool = .singleton
    ) async throws -> Outbox {
        try await threadPool.runIfActive {
            try Outbox(directory: directory, syncsToDisk: syncsToDisk, chunkFlush: chunkFlush)
        }
    }

    /// Writes `bytes` completely to `tmp/<name>`.
    public func spool(_ bytes: [UInt8], as name: SpoolName) throws(DeliveryError) {
        let final = tmp + "/" + name.fileName
        let partial = final + ".part"
        try write(bytes, to: partial, flags: O_WRONLY | O_CREAT | O_EXCL)
        guard rename(partial, final) == 0 else { throw .system("cannot rename", partial, errno) }
    }

    /// The bytes of a spooled message.
    public func spooledBytes(_ name: SpoolName) throws(DeliveryError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: tmp + "/" + name.fileName) else {
            throw DeliveryError("cannot read spooled message \(tmp)/\(name.fileName)")
        }
        return Array(data)
    }

    /// Delivers a spooled email into `new/`.
    public func deliverEmail(_ name: SpoolName) throws(DeliveryError) {
        let from = tmp + "/" + name.fileName
        guard rename(from, new + "/" + name.fileName) == 0 else { throw .system("cannot deliver", from, errno) }
    }

    /// Delivers a spooled text: appends its line to `texts.jsonl`, then removes the spool file.
    public func deliverText(_ name: SpoolName) throws(DeliveryError) {
        var line = try spooledBytes(name)
        if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
        try write(line, to: textsFile, flags: O_WRONLY | O_CREAT | O_APPEND)
        discard(name)
    }

    /// Removes a spool file (after a sendmail delivery, or when a re-run finds it already delivered).
    public func discard(_ name: SpoolName) {
        unlink(tmp + "/" + name.fileName)
    }

    /// Spools and delivers an email in one call.
    public func deliverEmail(_ bytes: [UInt8], as name: SpoolName) throws(DeliveryError) {
        try spool(bytes, as: name)
        try deliverEmail(name)
    }

    /// Delivers an email that is not a patient invitation (a team invitation) into `new/`, through `tmp/` as
    /// Maildir asks. Its name has no invitation id, so ``OutboxIndex`` leaves it alone.
    public func deliverOtherEmail(_ bytes: [UInt8], at date: Date = Date()) throws(DeliveryError) {
        let seconds = Int(date.timeIntervalSince1970)
        let name = "\(seconds).ST\(UInt64.random(in: 0...UInt64.max))P\(getpid()).\(SpoolName.hostName)"
        let partial = tmp + "/" + name
        try write(bytes, to: partial, flags: O_WRONLY | O_CREAT | O_EXCL)
        guard rename(partial, new + "/" + name) == 0 else { throw .system("cannot deliver", partial, errno) }
    }

    /// Spools and delivers a text in one call.
    public func deliverText(_ record: TextRecord, as name: SpoolName) throws(DeliveryError) {
        try spool(record.jsonLine(), as: name)
        try deliverText(name)
    }

    func write(_ bytes: [UInt8], to path: String, flags: Int32, syncs: Bool? = nil) throws(DeliveryError) {
        let descriptor = open(path, flags | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw .system("cannot open", path, errno) }
        defer { close(descriptor) }
        try write(bytes, to: descriptor, path: path)
        if syncs ?? syncsToDisk, fsync(descriptor) != 0 { throw .system("cannot sync", path, errno) }
    }

    func write(_ bytes: [UInt8], to descriptor: Int32, path: String) throws(DeliveryError) {
        var written = 0
        while written < bytes.count {
            let result = SystemCalls.write(descriptor, bytes, from: written)
            if result < 0 {
                if errno == EINTR { continue }
                throw .system("cannot write", path, errno)
            }
            written += result
        }
    }

    private func repairTextsFile() throws(DeliveryError) {
        guard let data = FileManager.default.contents(atPath: textsFile), let last = data.last,
            last != UInt8(ascii: "\n")
        else { return }
        let keep = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
        guard truncate(textsFile, off_t(keep)) == 0 else { throw .system("cannot repair", textsFile, errno) }
    }
}
