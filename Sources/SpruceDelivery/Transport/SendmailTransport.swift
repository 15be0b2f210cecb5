import SpruceCore
import SpruceProcess

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

    /// How long the command may take before it is killed, so that a hung one does not hold a delivery thread.
    public static let timeout: Duration = .seconds(120)

    /// Runs the command with `message` on its standard input.
    /// - Throws: ``DeliveryError`` when it cannot start, runs past ``timeout``, or exits with a status other than 0
    ///   (with its first line of standard error).
    public func send(_ message: [UInt8]) throws(DeliveryError) {
        let program = arguments[0]
        var child =
            program.contains("/")
            ? ChildProcess(program, Array(arguments.dropFirst())) : ChildProcess("/usr/bin/env", arguments)
        child.input = .bytes(message)
        child.output = .discard
        let finished: ChildProcess.Finished
        do { finished = try child.run(timeout: Self.timeout) } catch {
            throw DeliveryError("sendmail: \(error.description)")
        }
        guard finished.termination == .exited(0) else {
            let firstLine =
                String(decoding: finished.errors, as: UTF8.self).split(whereSeparator: \.isNewline).first ?? ""
            throw DeliveryError(
                "sendmail: \(program) \(finished.termination)\(firstLine.isEmpty ? "" : ": \(firstLine)")")
        }
    }
}
