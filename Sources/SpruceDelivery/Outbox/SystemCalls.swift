#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// System calls that the Swift C modules do not declare. The only unsafe code of the delivery module.
enum SystemCalls {
    /// `syncfs(2)`: glibc declares it only under `_GNU_SOURCE`, which the Swift Glibc module is not built with, so
    /// it is looked up once by name (present since glibc 2.14). `nil` elsewhere than Linux, or when the lookup
    /// fails: the caller falls back to `sync()`.
    static let syncfs: (@convention(c) (Int32) -> Int32)? = {
        #if os(Linux)
            guard let symbol = dlsym(dlopen(nil, RTLD_NOW), "syncfs") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int32) -> Int32).self)
        #else
            return nil
        #endif
    }()

    /// `write(2)` of `bytes` from `offset` on: the count written, or -1 with `errno` set.
    static func write(_ descriptor: Int32, _ bytes: [UInt8], from offset: Int) -> Int {
        bytes.withUnsafeBytes { buffer in
            systemWrite(descriptor, buffer.baseAddress.map { $0 + offset }, bytes.count - offset)
        }
    }
}

#if canImport(Glibc)
    private let systemWrite = Glibc.write
#elseif canImport(Darwin)
    private let systemWrite = Darwin.write
#endif
