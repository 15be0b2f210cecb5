import Crypto
import Foundation
import _CryptoExtras

/// Hashes and checks passwords with scrypt: memory-hard and deliberately slow, salted per password.
///
/// The stored form names the algorithm and its cost (`scrypt$32768$8$1$<salt>$<hash>`, N, r, p), so the cost can
/// be raised later and old hashes still verify. The default (N = 2^15, r = 8: 32 MiB per hash) follows OWASP.
public struct PasswordHasher: Sendable {
    public static let recommendedCost = 1 << 15
    /// The scrypt CPU/memory cost N for new hashes, a power of two.
    public let cost: Int

    /// - Parameter cost: scrypt's N; tests use a small one to stay fast. Rounded up to a power of two.
    public init(cost: Int = recommendedCost) {
        var power = 2
        while power < cost { power <<= 1 }
        self.cost = power
    }

    /// A new salted hash of `password`, in the stored form.
    public func hash(_ password: String) throws -> String {
        let salt = SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }
        let derived = try Self.derive(password, salt: salt, cost: cost, blockSize: 8, parallelism: 1)
        return "scrypt$\(cost)$8$1$\(salt.base64EncodedString())$\(derived.base64EncodedString())"
    }

    /// Whether `password` matches `stored`, compared in constant time. A malformed stored value never matches.
    public func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$")
        guard parts.count == 6, parts[0] == "scrypt", let cost = Int(parts[1]), let blockSize = Int(parts[2]),
            let parallelism = Int(parts[3]), (2...(1 << 20)).contains(cost), (1...16).contains(blockSize),
            (1...4).contains(parallelism),
            let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
            let derived = try? Self.derive(
                password, salt: salt, cost: cost, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return constantTimeEqual(derived, expected)
    }

    private static func derive(_ password: String, salt: Data, cost: Int, blockSize: Int, parallelism: Int) throws
        -> Data
    {
        let key = try KDF.Scrypt.deriveKey(
            from: Data(password.utf8), salt: salt, outputByteCount: 32, rounds: cost, blockSize: blockSize,
            parallelism: parallelism
        )
        return key.withUnsafeBytes { Data($0) }
    }
}

/// Compares two byte strings without an early exit, so timing does not reveal where they differ.
func constantTimeEqual(_ lhs: Data, _ rhs: Data) -> Bool {
    guard lhs.count == rhs.count else { return false }
    var difference: UInt8 = 0
    for (a, b) in zip(lhs, rhs) { difference |= a ^ b }
    return difference == 0
}
