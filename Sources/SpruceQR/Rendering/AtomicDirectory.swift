// Many atomic file writes into one directory, for batches: the directory is opened once, and on Linux each file is
// written unnamed (O_TMPFILE) and linked under its name only when complete, which saves the temporary name, the
// rename and the path look-ups of AtomicFile.write per file. Elsewhere, or where the file system refuses O_TMPFILE,
// each file goes through AtomicFile.write.
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A directory that files are written into so that a reader sees either no file (or the old one) or the complete
/// new one, never a partial one; safe to use from several threads at once.
public final class AtomicDirectory: Sendable {
    /// The directory, as given.
    public let path: String
    private let descriptor: Int32
    /// Whether the process's umask leaves mode 0644 as it is, so that files need no `fchmod`.
    private let keepsMode: Bool
    /// Whether `linkat` refused `AT_EMPTY_PATH` once (no CAP_DAC_READ_SEARCH).
    private let emptyPathRefused = Atomic(false)

    /// Opens the existing directory at `path`.
    /// - Throws: `RenderError.writeFailed` with the system's reason.
    public init(path: String) throws(RenderError) {
        self.path = path
        descriptor = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .writeFailed(path: path, reason: AtomicFile.reason(errno)) }
        keepsMode = Self.umask().map { $0 & 0o644 == 0 } ?? false
    }

    /// The process's umask as Linux reports it in /proc/self/status (reading it with umask(2) would change it for
    /// a moment under other threads); `nil` where it cannot be read.
    private static func umask() -> mode_t? {
        #if os(Linux)
            guard let file = fopen("/proc/self/status", "r") else { return nil }
            defer { fclose(file) }
            var line = [CChar](repeating: 0, count: 256)
            while fgets(&line, Int32(line.count), file) != nil {
                let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                guard text.hasPrefix("Umask:") else { continue }
                return mode_t(String(text.dropFirst(6).filter { !$0.isWhitespace }), radix: 8)
            }
            return nil
        #else
            return nil
        #endif
    }

    deinit {
        close(descriptor)
    }

    /// Writes `bytes` as the file `name` in the directory (mode 0644), replacing any file of that name.
    /// - Parameter name: A file name without `/`.
    /// - Throws: `RenderError.writeFailed` naming the file's path; nothing is left under `name` or elsewhere.
    public func write(_ bytes: [UInt8], name: String) throws(RenderError) {
        guard !name.isEmpty, !name.utf8.contains(UInt8(ascii: "/")) else {
            throw .writeFailed(path: target(name), reason: "not a file name")
        }
        #if os(Linux)
            // O_TMPFILE is a macro Swift does not import: __O_TMPFILE (the same on every Linux port Swift runs on)
            // together with O_DIRECTORY.
            let unnamed = openat(descriptor, ".", 0o20_000_000 | O_DIRECTORY | O_WRONLY | O_CLOEXEC, 0o644)
            guard unnamed >= 0 else {
                // EOPNOTSUPP, EISDIR or EINVAL: a file system or kernel without O_TMPFILE.
                try AtomicFile.write(bytes, to: target(name))
                return
            }
            defer { close(unnamed) }
            var failure = AtomicFile.writeAll(bytes, to: unnamed)
            if failure == 0, !keepsMode, fchmod(unnamed, 0o644) != 0 { failure = errno }
            if failure == 0 { failure = link(unnamed, as: name) }
            if failure == ENOENT, access("/proc/self/fd", F_OK) != 0 {
                try AtomicFile.write(bytes, to: target(name))  // no /proc to name the unnamed file by
                return
            }
            guard failure == 0 else { throw .writeFailed(path: target(name), reason: AtomicFile.reason(failure)) }
        #else
            try AtomicFile.write(bytes, to: target(name))
        #endif
    }

    /// The path of the file `name` in the directory (for messages and the fallback).
    private func target(_ name: String) -> String {
        path.hasSuffix("/") ? path + name : path + "/" + name
    }

    #if os(Linux)
        /// Gives the unnamed file `file` the name `name`; over an existing file, through a temporary name and
        /// `renameat`, so that the old file stays whole until the new one replaces it. Returns 0 or an errno.
        private func link(_ file: Int32, as name: String) -> Int32 {
            // linkat(2) names a descriptor itself with AT_EMPTY_PATH where the process may (CAP_DAC_READ_SEARCH);
            // elsewhere it fails with ENOENT or EPERM, and the file is named through /proc from then on. 0x1000 is
            // AT_EMPTY_PATH, which Glibc's module does not export under _GNU_SOURCE's name.
            if !emptyPathRefused.load(ordering: .relaxed) {
                if linkat(file, "", descriptor, name, 0x1000) == 0 { return 0 }
                if errno == ENOENT || errno == EPERM {
                    emptyPathRefused.store(true, ordering: .relaxed)
                } else if errno != EEXIST {
                    return errno
                }
            }
            let source = "/proc/self/fd/\(file)"
            if linkat(AT_FDCWD, source, descriptor, name, AT_SYMLINK_FOLLOW) == 0 { return 0 }
            guard errno == EEXIST else { return errno }
            for _ in 0..<100 {
                let temporary = ".spruceqr-" + String(UInt64.random(in: 0...UInt64.max), radix: 36)
                guard linkat(AT_FDCWD, source, descriptor, temporary, AT_SYMLINK_FOLLOW) == 0 else {
                    if errno == EEXIST { continue }
                    return errno
                }
                guard renameat(descriptor, temporary, descriptor, name) == 0 else {
                    let failure = errno
                    unlinkat(descriptor, temporary, 0)
                    return failure
                }
                return 0
            }
            return EEXIST
        }
    #endif
}
