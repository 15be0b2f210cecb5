/// base64url without padding (RFC 4648 §5), the form of every token in cookies, URLs and signed values.
///
/// Written by hand: Foundation only has standard base64, and turning it into base64url takes three string
/// replacements, which on the profile page's hot path cost more than the HMAC of the CSRF token.
public enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `bytes` in base64url, without `=` padding.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String { encode(Array(bytes)) }

    /// `bytes` in base64url, without `=` padding. Not generic: called from another module, the generic form ran
    /// unspecialized, looking up witness tables for every byte, which showed on the profile page's profile.
    public static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let group =
                UInt32(bytes[index]) << 16 | (remaining > 1 ? UInt32(bytes[index + 1]) << 8 : 0)
                | (remaining > 2 ? UInt32(bytes[index + 2]) : 0)
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            if remaining > 1 { output.append(alphabet[Int(group >> 6 & 63)]) }
            if remaining > 2 { output.append(alphabet[Int(group & 63)]) }
            index += 3
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
