import Foundation

/// Writing to the standard streams, and knowing whether a person is watching them.
enum Terminal {
    static var standardErrorIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
    static var standardOutputIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((escapingControlCharacters(message) + "\n").utf8))
    }

    /// `text` with every control character but line feed and tab written as `\u{…}`, so that no stored string
    /// (a name, a message, a label someone typed) can move the cursor, clear the screen or rewrite a line when
    /// it reaches a terminal: ESC, CR, backspace, BEL, DEL, C1 controls, line and paragraph separators.
    static func escapingControlCharacters(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) {
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        if scalar == "\n" || scalar == "\t" { return false }
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: return true
        case .format: return isBidiControl(scalar)
        default: return false
        }
    }

    /// Bidirectional overrides and isolates, which reorder what a terminal shows (U+202A–U+202E, U+2066–U+2069).
    private static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    static func writeOutput(_ bytes: some DataProtocol) {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// A one-line progress bar on standard error, drawn only when standard error is a terminal.
struct ProgressBar: Sendable {
    let label: String
    let isVisible: Bool

    init(label: String, isVisible: Bool = Terminal.standardErrorIsTTY) {
        self.label = label
        self.isVisible = isVisible
    }

    func update(_ done: Int, of total: Int) {
        guard isVisible, total > 0 else { return }
        let width = 30
        let filled = min(width, done * width / total)
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        let line = "\r\(label) \(bar) \(done)/\(total)"
        FileHandle.standardError.write(Data(line.utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Every `print` of the command-line tool: the text goes through ``Terminal/escapingControlCharacters(_:)``
/// first, so stored strings are never printed raw (this shadows the standard library's `print` in this module).
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    let text = items.map { String(describing: $0) }.joined(separator: separator)
    Swift.print(Terminal.escapingControlCharacters(text), terminator: terminator)
}
