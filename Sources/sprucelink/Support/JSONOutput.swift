import Foundation

/// Machine-readable output: sorted keys, ISO 8601 dates, one document per call.
enum JSONOutput {
    static func print(_ value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        Terminal.writeOutput(try encoder.encode(value) + Data("\n".utf8))
    }
}
