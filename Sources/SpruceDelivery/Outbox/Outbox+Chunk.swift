#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How ``Outbox`` makes a chunk of messages durable with one flush instead of one `fsync` per message (each
/// `fsync` commits the file system's journal: about 4 ms here, so at most ~250 durable messages a second).
public enum ChunkFlush: String, Sendable, CaseIterable {
    /// `syncfs(2)` on the outbox's file system: one call writes back every dirty file and directory entry on it
    /// (including the store's WAL when the database lives on the same file system). Fastest when the file system
    /// is otherwise quiet; it also waits for other writers' dirty data. Elsewhere than Linux, `sync()`.
    case fileSystem
    /// `fsync` of each file after all of them are written, then of the directories once. Waits only for our own
    /// files, but pays a journal commit for most of them.
    case eachFile
}

/// Spooling and delivering a chunk of messages with one flush each way (the batch path of the dispatcher).
///
/// 1. ``spool(_:)`` writes every message to `tmp/NAME.part` without syncing, flushes **once**, then renames each
///    to `tmp/NAME`. A spool file with its final name therefore has its bytes on disk; a `.part` file is never
///    read (a re-run treats its message as never spooled and renders it again with a fresh token).
/// 2. The caller delivers each message (``deliverEmail(_:)`` renames into `new/`, ``appendText(_:)`` appends a
///    line without syncing), then calls ``syncDeliveries()`` **once**, and only then records the deliveries.
///    A delivery that a power cut undoes is thus never recorded as done; one that survives but is not recorded is
///    found by ``index()`` on the re-run and only marked.
extension Outbox {
    /// Spools `messages` into `tmp/` with one flush for all of them (none when ``syncsToDisk`` is off).
    /// - Throws: ``DeliveryError``; no `.part` file of this call is left behind, and messages already renamed
    ///   stay spooled (complete).
    public func spool(_ messages: [(name: SpoolName, bytes: [UInt8])]) throws(DeliveryError) {
        let keepsDescriptors = syncsToDisk && chunkFlush == .eachFile
        var descriptors: [Int32] = []
        descriptors.reserveCapacity(keepsDescriptors ? messages.count : 0)
        var partials: [String] = []
        partials.reserveCapacity(messages.count)
        var renamed = 0
        defer {
            for descriptor in descriptors { close(descriptor) }
            for partial in partials.dropFirst(renamed) { unlink(partial) }
        }
        for message in messages {
            let partial = tmp + "/" + message.name.fileName + ".part"
            let descriptor = open(partial, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw .system("cannot open", partial, errno) }
            partials.append(partial)
            if keepsDescriptors { descriptors.append(descriptor) }
            defer { if !keepsDescriptors { close(descriptor) } }
            try write(message.bytes, to: descriptor, path: partial)
        }
        if syncsToDisk {
            switch chunkFlush {
            case .fileSystem:
                try syncFileSystem(of: tmp)
            case .eachFile:
                for (descriptor, partial) in zip(descriptors, partials) where fsync(descriptor) != 0 {
                    throw .system("cannot sync", partial, errno)
                }
            }
        }
        for (message, partial) in zip(messages, partials) {
            guard rename(partial, tmp + "/" + message.name.fileName) == 0 else {
                throw .system("cannot rename", partial, errno)
            }
            renamed += 1
        }
    }

    /// Delivers a spooled text without syncing: appends its line to `texts.jsonl` in one `write` on an
    /// `O_APPEND` descriptor (one line, atomic) and keeps the spool file; ``syncDeliveries()`` makes the chunk's
    /// lines durable, and the caller then ``discard(_:)``s the spool files.
    public func appendText(_ name: SpoolName) throws(DeliveryError) {
        var line = try spooledBytes(name)
        if line.last != UInt8(ascii: "\n") { line.append(UInt8(ascii: "\n")) }
        try write(line, to: textsFile, flags: O_WRONLY | O_CREAT | O_APPEND, syncs: false)
    }

    /// Makes every delivery since the last flush durable: the renames into `new/` and the lines appended to
    /// `texts.jsonl`. One flush (``chunkFlush``); nothing when ``syncsToDisk`` is off.
    /// - Throws: ``DeliveryError`` when the flush fails: the deliveries must then not be recorded.
    public func syncDeliveries() throws(DeliveryError) {
        guard syncsToDisk else { return }
        switch chunkFlush {
        case .fileSystem:
            try syncFileSystem(of: new)
        case .eachFile:
            for path in [textsFile, new, tmp] {
                let descriptor = open(path, O_RDONLY | O_CLOEXEC)
                if descriptor < 0 {
                    if errno == ENOENT && path == textsFile { continue }
                    throw .system("cannot open", path, errno)
                }
                defer { close(descriptor) }
                guard fsync(descriptor) == 0 else { throw .system("cannot sync", path, errno) }
            }
        }
    }

    private func syncFileSystem(of path: String) throws(DeliveryError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .system("cannot open", path, errno) }
        defer { close(descriptor) }
        if let syncfs = SystemCalls.syncfs {
            guard syncfs(descriptor) == 0 else { throw .system("cannot sync the file system of", path, errno) }
            return
        }
        sync()
    }
}
