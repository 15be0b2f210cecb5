/// Sets the document language (the catalog's `/Lang`, read by screen readers), which cairo cannot write, by
/// appending an incremental update: a new version of the catalog, an xref section for it and a trailer whose
/// `/Prev` points at cairo's. The bytes cairo wrote are kept as they are.
enum PDFLanguage {
    /// A BCP 47 tag: letters, digits and hyphens, starting with 2 or 3 letters, at most 35 characters.
    static func isValidTag(_ tag: String) -> Bool {
        let bytes = Array(tag.utf8)
        guard (2...35).contains(bytes.count) else { return false }
        let letters = bytes.prefix { ASCII.isLetter($0) }.count
        guard (2...3).contains(letters) else { return false }
        return bytes.allSatisfy { ASCII.isLetter($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }

    /// `pdf` with `/Lang (tag)` in its catalog.
    /// - Throws: ``PrintError/renderingFailed(_:)`` when the PDF's trailer or catalog cannot be found.
    static func setting(_ tag: String, in pdf: [UInt8]) throws(PrintError) -> [UInt8] {
        guard let startxref = lastIndex(of: "startxref", in: pdf),
            let previous = number(after: startxref + "startxref".utf8.count, in: pdf),
            let trailer = lastIndex(of: "trailer", in: pdf),
            let size = reference(named: "/Size", from: trailer, in: pdf),
            let root = reference(named: "/Root", from: trailer, in: pdf),
            let objectStart = offset(ofObject: root, xref: previous, in: pdf),
            let objectEnd = firstIndex(of: "endobj", in: pdf, from: objectStart),
            let dictionaryEnd = lastIndex(of: ">>", in: Array(pdf[objectStart..<objectEnd])),
            let dictionaryStart = firstIndex(of: "<<", in: pdf, from: objectStart)
        else { throw .renderingFailed("cairo's PDF has no trailer or catalog to add the language to") }
        let info = reference(named: "/Info", from: trailer, in: pdf)

        var output = pdf
        if output.last != UInt8(ascii: "\n") { output.append(UInt8(ascii: "\n")) }
        let catalogOffset = output.count
        let body = Array(pdf[dictionaryStart..<(objectStart + dictionaryEnd)])
        output += Array("\(root) 0 obj\n".utf8) + body + Array("/Lang (\(tag))\n>>\nendobj\n".utf8)
        let xrefOffset = output.count
        let offset = String(catalogOffset)
        let paddedOffset = String(repeating: "0", count: max(0, 10 - offset.count)) + offset
        var trailerText = "trailer\n<< /Size \(size)\n   /Root \(root) 0 R\n"
        if let info { trailerText += "   /Info \(info) 0 R\n" }
        trailerText += "   /Prev \(previous)\n>>\n"
        output += Array(
            ("xref\n0 1\n0000000000 65535 f \n\(root) 1\n\(paddedOffset) 00000 n \n" + trailerText
                + "startxref\n\(xrefOffset)\n%%EOF\n").utf8)
        return output
    }

    private static func firstIndex(of text: String, in bytes: [UInt8], from start: Int = 0) -> Int? {
        let needle = Array(text.utf8)
        guard needle.count <= bytes.count, start <= bytes.count - needle.count else { return nil }
        var index = start
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private static func lastIndex(of text: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(text.utf8)
        guard needle.count <= bytes.count else { return nil }
        var index = bytes.count - needle.count
        while index >= 0 {
            if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index -= 1
        }
        return nil
    }

    /// Where object `number` starts, from the xref table at `xref` (cairo writes one section, `0 N`).
    private static func offset(ofObject object: Int, xref: Int, in bytes: [UInt8]) -> Int? {
        guard xref < bytes.count, bytes[xref...].starts(with: Array("xref".utf8)) else { return nil }
        var index = xref
        var newlines = 0
        while index < bytes.count, newlines < 2 {
            if bytes[index] == 0x0A { newlines += 1 }
            index += 1
        }
        let entry = index + object * 20
        guard entry + 20 <= bytes.count, let start = number(after: entry, in: bytes), start < bytes.count else {
            return nil
        }
        return start
    }

    /// The decimal number after `start`, skipping whitespace.
    private static func number(after start: Int, in bytes: [UInt8]) -> Int? {
        var index = start
        while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D {
            index += 1
        }
        var value: Int?
        while index < bytes.count, (0x30...0x39).contains(bytes[index]) {
            value = (value ?? 0) * 10 + Int(bytes[index] - 0x30)
            index += 1
        }
        return value
    }

    /// The number after `name` in the dictionary that starts at `start`.
    private static func reference(named name: String, from start: Int, in bytes: [UInt8]) -> Int? {
        guard let index = firstIndex(of: name, in: bytes, from: start) else { return nil }
        return number(after: index + name.utf8.count, in: bytes)
    }
}

/// ASCII byte classes for the PDF and language-tag checks.
enum ASCII {
    static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
}
