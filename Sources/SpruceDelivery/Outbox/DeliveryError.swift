#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a message could not be delivered. The message names the outbox or command, never a token.
public struct DeliveryError: Error, Equatable, Sendable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }

    static func system(_ operation: String, _ path: String, _ code: Int32) -> DeliveryError {
        DeliveryError("\(operation) \(path): \(String(cString: strerror(code)))")
    }
}
