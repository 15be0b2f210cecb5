import Foundation

/// The encodings a MIME message needs: base64 and quoted-printable bodies (RFC 2045), encoded words for
/// non-ASCII header text (RFC 2047). Every output line is at most 76 characters plus the line break.
enum MIMEEncoding {
    /// Base64 in lines of 76 characters, each followed by `lineBreak`.
    static func base64Lines(_ bytes: [UInt8], lineBreak: String) -> String {
        let encoded = Data(bytes).base64EncodedString()
        var output = ""
        output.reserveCapacity(encoded.utf8.count + encoded.utf8.count / 76 * lineBreak.utf8.count + 2)
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            output += encoded[index..<end]
            output += lineBreak
            index = end
        }
        return output
    }

    /// Quoted-printable of UTF-8 text whose lines are separated by `\n`: hard breaks become `lineBreak`, lines
    /// are soft-broken with `=` at 76 characters, and `=`, controls, non-ASCII and trailing blanks are escaped.
    static func quotedPrintable(_ text: String, lineBreak: String) -> String {
        var output = ""
        let hex = Array("0123456789ABCDEF")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            let bytes = Array(line.utf8.filter { $0 != UInt8(ascii: "\r") })
            var column = 0
            for (offset, byte) in bytes.enumerated() {
                let isLast = offset == bytes.count - 1
                let literal =
                    (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                    || ((byte == 0x20 || byte == 0x09) && !isLast)
                let token =
                    literal
                    ? String(UnicodeScalar(byte)) : "=" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0xF)])
                // Keep room for a soft break "=" unless this token ends the line.
                let limit = isLast ? 76 : 75
                if column + token.count > limit {
                    output += "=" + lineBreak
                    column = 0
                }
                output += token
                column += token.count
            }
            if lineIndex < lines.count - 1 { output += lineBreak }
        }
        return output
    }

    /// True when `text` is all printable ASCII (plus tab and line breaks) with lines of at most 78 characters.
    static func isSevenBitSafe(_ text: String) -> Bool {
        var column = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: "\n") {
                column = 0
                continue
            }
            guard byte < 0x80, byte >= 0x20 || byte == 0x09 || byte == UInt8(ascii: "\r") else { return false }
            column += 1
            if column > 78 { return false }
        }
        return true
    }

    /// RFC 2047 `B` encoded words of at most 36 UTF-8 bytes each (60 characters with the wrapper), split only
    /// between Unicode scalars so that every word decodes on its own.
    static func encodedWords(_ text: String) -> [String] {
        var words: [String] = []
        var chunk: [UInt8] = []
        for scalar in text.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if chunk.count + bytes.count > 36 {
                words.append(encodedWord(chunk))
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(encodedWord(chunk)) }
        return words
    }

    private static func encodedWord(_ bytes: [UInt8]) -> String {
        "=?UTF-8?B?" + Data(bytes).base64EncodedString() + "?="
    }

    /// Header text that is plain ASCII and needs no encoding: printable, no `=?` that would look like an encoded word.
    static func isPlainHeaderText(_ text: String) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F } && !text.contains("=?")
    }

    /// An unstructured header field (such as `Subject`) folded to lines of at most 78 characters.
    static func unstructuredHeader(_ name: String, _ value: String, lineBreak: String) -> String {
        let words: [String]
        if isPlainHeaderText(value) {
            words = value.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        } else {
            words = encodedWords(value)
        }
        return fold(name: name, words: words, lineBreak: lineBreak)
    }

    /// Joins `words` with spaces after `Name: `, breaking the line (CRLF + space) before a word that would pass 78.
    static func fold(name: String, words: [String], lineBreak: String) -> String {
        var output = name + ":"
        var column = output.count
        for word in words {
            if column + 1 + word.count > 78, column > name.count + 1 {
                output += lineBreak
                column = 0
            }
            output += " " + word
            column += 1 + word.count
        }
        return output + lineBreak
    }
}
