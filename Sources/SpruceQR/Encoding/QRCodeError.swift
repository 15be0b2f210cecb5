/// Why a text could not be encoded as a QR code.
public enum QRCodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The unit a capacity is counted in.
    public enum Unit: String, Sendable, Hashable {
        /// UTF-8 bytes (8-bit mode).
        case bytes
        /// Characters (numeric and alphanumeric modes; these texts are ASCII).
        case characters
    }

    /// The text was empty.
    case emptyText
    /// The text does not fit in the largest symbol for the level. `length` and `capacity` are in `unit`.
    case textTooLong(level: QRCode.ErrorCorrectionLevel, version: String, capacity: Int, unit: Unit, length: Int)
    /// The requested minimum version is outside `allowed`.
    case invalidVersion(Int, allowed: ClosedRange<Int>)
    /// The level cannot be used for Micro QR (Micro QR has no level H).
    case levelNotAvailableForMicro(QRCode.ErrorCorrectionLevel)
    /// Alphanumeric mode was asked for but the text holds a character outside `0-9 A-Z space $ % * + - . / :`.
    case alphanumericNotPossible(character: Character)
    /// libqrencode failed for another reason; the value is `errno`.
    case encodingFailed(errno: Int32)

    /// One line that names the rule that failed, e.g. the level, version and capacity.
    public var description: String {
        switch self {
        case .emptyText:
            return "cannot encode an empty text"
        case .textTooLong(let level, let version, let capacity, let unit, let length):
            return "text is \(length) \(unit.rawValue), too long for a QR code at level \(level.letter): "
                + "version \(version) holds at most \(capacity) \(unit.rawValue)"
        case .invalidVersion(let version, let allowed):
            return "version \(version) is out of range: allowed \(allowed.lowerBound)...\(allowed.upperBound)"
        case .levelNotAvailableForMicro(let level):
            return "level \(level.letter) is not available for Micro QR: allowed L, M, Q"
        case .alphanumericNotPossible(let character):
            return "alphanumeric mode is not possible: \"\(character)\" is not one of 0-9 A-Z space $ % * + - . / :"
        case .encodingFailed(let code):
            return "libqrencode failed (errno \(code))"
        }
    }
}

extension QRCode {
    /// Capacity of the largest symbol for a level, from the standard QR capacity tables
    /// (ISO/IEC 18004 table 7): version 40 for QR, M4 for Micro QR. In automatic mode the table follows the
    /// text: digits only are counted as numeric, `0-9 A-Z space $%*+-./:` as alphanumeric, the rest as bytes.
    static func maximumCapacity(
        level: ErrorCorrectionLevel, mode: Mode, micro: Bool, text: String
    ) -> (version: String, capacity: Int, unit: QRCodeError.Unit) {
        let index: Int
        switch level {
        case .low: index = 0
        case .medium: index = 1
        case .quartile: index = 2
        case .high: index = 3
        }
        enum Table { case numeric, alphanumeric, bytes }
        let table: Table
        switch mode {
        case .byte: table = .bytes
        case .alphanumeric: table = .alphanumeric
        case .automatic:
            if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                table = .numeric
            } else if text.utf8.allSatisfy({ alphanumericCharacters.contains($0) }) {
                table = .alphanumeric
            } else {
                table = .bytes
            }
        }
        let capacities: [Int]
        switch (table, micro) {
        case (.numeric, false): capacities = [7089, 5596, 3993, 3057]
        case (.alphanumeric, false): capacities = [4296, 3391, 2420, 1852]
        case (.bytes, false): capacities = [2953, 2331, 1663, 1273]
        case (.numeric, true): capacities = [35, 30, 21, 0]  // Micro QR has no level H
        case (.alphanumeric, true): capacities = [21, 18, 13, 0]
        case (.bytes, true): capacities = [15, 13, 9, 0]
        }
        return (micro ? "M4" : "40", capacities[index], table == .bytes ? .bytes : .characters)
    }
}
