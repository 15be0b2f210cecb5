/// Reads a password from the first line of standard input.
enum PasswordInput {
    static func readFromStandardInput() throws -> String {
        guard let line = readLine(strippingNewline: true), !line.isEmpty else {
            throw UsageError("--password-stdin: standard input holds no password")
        }
        return line
    }
}
