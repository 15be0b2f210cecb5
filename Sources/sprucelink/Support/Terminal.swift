import Foundation

/// Writing to the standard streams, and knowing whether a person is watching them.
enum Terminal {
    static var standardErrorIsTTY: Bool { isatty(STDERR_FILENO) == 1 }
    static var standardOutputIsTTY: Bool { isatty(STDOUT_FILENO) == 1 }

    static func printError(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
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
