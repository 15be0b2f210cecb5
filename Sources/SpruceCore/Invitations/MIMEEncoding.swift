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
        let breakBytes = Array(lineBreak.utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var text = text
        return text.withUTF8 { bytes in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + bytes.count / 8 + 16)
            // A line ends at each "\n" that is not part of "\r\n" (one Character, as `split(separator: "\n")` saw
            // it); carriage returns are dropped.
            var start = 0
            while start <= bytes.count {
                var end = start
                while end < bytes.count, !(bytes[end] == UInt8(ascii: "\n") && (end == 0 || bytes[end - 1] != 0x0D)) {
                    end += 1
                }
                var last = end - 1  // the line's last byte that is not a carriage return
                while last >= start, bytes[last] == 0x0D { last -= 1 }
                var column = 0
                var index = start
                while index <= last {
                    let byte = bytes[index]
                    let isLast = index == last
                    index += 1
                    if byte == 0x0D { continue }
                    let literal =
                        (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "="))
                        || ((byte == 0x20 || byte == 0x09) && !isLast)
                    let width = literal ? 1 : 3
                    // Keep room for a soft break "=" unless this token ends the line.
                    if column + width > (isLast ? 76 : 75) {
                        output.append(UInt8(ascii: "="))
                        output += breakBytes
                        column = 0
                    }
                    if literal {
                        output.append(byte)
                    } else {
                        output.append(UInt8(ascii: "="))
                        output.append(hex[Int(byte >> 4)])
                        output.append(hex[Int(byte & 0xF)])
                    }
                    column += width
                }
                if end < bytes.count { output += breakBytes }
                start = end + 1
            }
            return String(decoding: output, as: UTF8.self)
        }
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
