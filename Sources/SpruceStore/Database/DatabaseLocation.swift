import Foundation

/// Where the store keeps its data, read from `--database` or `SPRUCELINK_DATABASE`.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    /// An SQLite file (the embedded default), created when missing.
    case sqlite(path: String)

    public static let environmentVariable = "SPRUCELINK_DATABASE"
    public static let defaultPath = "./sprucelink.sqlite"

    /// Reads a database setting: a file path (or `sqlite:PATH`).
    /// - Throws: ``StoreError/invalidLocation(_:)`` when the setting is empty or names an engine this build lacks.
    public init(parsing setting: String) throws(StoreError) {
        let trimmed = setting.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidLocation("database setting is empty") }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalidLocation("sqlite: needs a file path") }
            self = .sqlite(path: path)
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            throw .invalidLocation("PostgreSQL is not supported by this build yet; use an SQLite file path")
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}
