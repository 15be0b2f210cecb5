#if canImport(Glibc)
    import Glibc
#endif

/// Bytes from the system's secure generator in one call: glibc's `arc4random_buf` (one `getrandom(2)` for the
/// whole buffer). swift-crypto's random keys and the standard library's `SystemRandomNumberGenerator` ask the
/// kernel for 8 bytes a call: four system calls for one 32-byte visitor id, on every new visitor's profile page.
public enum SystemRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        #if canImport(Glibc)
            bytes.withUnsafeMutableBytes { buffer in
                if let start = buffer.baseAddress { arc4random_buf(start, buffer.count) }
            }
        #else
            var generator = SystemRandomNumberGenerator()
            for index in bytes.indices { bytes[index] = generator.next() }
        #endif
        return bytes
    }
}
