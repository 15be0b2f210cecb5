/// base64url without padding (RFC 4648 §5), the form of every token in cookies, URLs and signed values.
///
/// Written by hand: Foundation only has standard base64, and turning it into base64url takes three string
/// replacements, which on the profile page's hot path cost more than the HMAC of the CSRF token.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `bytes` in base64url, without `=` padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.underestimatedCount * 4 + 2) / 3)
        var iterator = bytes.makeIterator()
        while let first = iterator.next() {
            let second = iterator.next()
            let third = iterator.next()
            let group = UInt32(first) << 16 | UInt32(second ?? 0) << 8 | UInt32(third ?? 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            if second != nil { output.append(alphabet[Int(group >> 6 & 63)]) }
            if third != nil { output.append(alphabet[Int(group & 63)]) }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// `count` bytes from the system's secure generator (``SystemRandom``), in base64url.
    public static func random(bytes count: Int) -> String {
        encode(SystemRandom.bytes(count))
    }

    /// Whether `byte` is one of the 64 letters of base64url.
    public static func isLetter(_ byte: UInt8) -> Bool {
        ASCII.isDigit(byte) || ASCII.isLowercaseLetter(byte) || ASCII.isUppercaseLetter(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
