/// Byte classes used by the parsers; ASCII only, on purpose: codes and hosts never accept look-alike Unicode.
enum ASCII {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLowercaseLetter(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isUppercaseLetter(_ byte: UInt8) -> Bool { byte >= 0x41 && byte <= 0x5A }
    static func isControl(_ byte: UInt8) -> Bool { byte < 0x20 || byte == 0x7F }
    static func isHexDigit(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
    }

    /// The bytes with `a-z` turned into `A-Z` and every other byte, non-ASCII included, left alone.
    static func uppercased(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.map { isLowercaseLetter($0) ? $0 - 0x20 : $0 }
    }

    /// The bytes with `A-Z` turned into `a-z` and every other byte, non-ASCII included, left alone.
    static func lowercased(_ bytes: some Sequence<UInt8>) -> [UInt8] {
        bytes.map { isUppercaseLetter($0) ? $0 + 0x20 : $0 }
    }
}
