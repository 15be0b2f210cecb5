import ArgumentParser

/// A bad value the user gave: printed as one `Error: …` line on stderr, exit status 64 (EX_USAGE), no usage block.
///
/// Values are checked in `run()` and thrown as this rather than as `ValidationError`, whose report adds the
/// usage text under the message.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
