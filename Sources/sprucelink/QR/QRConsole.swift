import Foundation
import SpruceQR

/// stdout and stderr for `sprucelink qr`.
enum QRConsole {
    /// Prints `Error: message` as one line on stderr.
    static func error(_ message: String) {
        let line = message.replacingOccurrences(of: "\n", with: " ")
        FileHandle.standardError.write(Data("Error: \(line)\n".utf8))
    }

    static func stderr(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    static func writeStdout(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    static var stderrIsTerminal: Bool { isatty(STDERR_FILENO) != 0 }
}

/// File writes for `sprucelink qr`: atomic, so a failure never leaves a partial file.
enum QRFiles {
    /// Writes atomically; the error names `option` and the path.
    static func writeAtomically(_ bytes: [UInt8], to path: String, option: String = "--output") throws(QRUsageError) {
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            if case .writeFailed(_, let reason) = error {
                throw QRUsageError(description: "\(option) '\(path)' cannot be written: \(reason)")
            }
            throw QRUsageError(description: "\(option) '\(path)' cannot be written: \(error)")
        }
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError {
            return underlying.localizedDescription.replacingOccurrences(of: "\n", with: " ")
        }
        return nsError.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
