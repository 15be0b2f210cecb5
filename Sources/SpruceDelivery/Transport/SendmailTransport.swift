import Foundation
import SpruceCore

/// Delivery through a `sendmail`-compatible command, e.g. `/usr/sbin/sendmail -t -i`: the message goes to its
/// standard input and the exit status must be 0.
public struct SendmailTransport: Sendable {
    /// The program and its arguments, split on blanks; single or double quotes group words.
    public let arguments: [String]

    /// - Throws: ``InvitationInputError`` with field `sendmail` when the command is empty or its quotes unbalanced.
    public init(command: String) throws(InvitationInputError) {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var inWord = false
        for character in command {
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        guard quote == nil else { throw InvitationInputError(field: "sendmail", rule: "has an unclosed quote") }
        if inWord { words.append(current) }
        guard !words.isEmpty else { throw InvitationInputError(field: "sendmail", rule: "is empty") }
        self.arguments = words
    }

    /// Runs the command with `message` on its standard input.
    /// - Throws: ``DeliveryError`` when it cannot start or exits with a status other than 0 (with its first
    ///   line of standard error).
    public func send(_ message: [UInt8]) throws(DeliveryError) {
        let process = Process()
        let program = arguments[0]
        if program.contains("/") {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = Array(arguments.dropFirst())
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = arguments
        }
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do { try process.run() } catch {
            throw DeliveryError("sendmail: cannot run \(program): \(error.localizedDescription)")
        }
        let writer = input.fileHandleForWriting
        do {
            try writer.write(contentsOf: Data(message))
            try writer.close()
        } catch {
            // The command may exit without reading (a broken pipe); its status says what happened.
            try? writer.close()
        }
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let firstLine = String(decoding: stderr, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
            let how =
                process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)"
                : "was killed by signal \(process.terminationStatus)"
            throw DeliveryError("sendmail: \(program) \(how)\(firstLine.isEmpty ? "" : ": \(firstLine)")")
        }
    }
}
