import Foundation

/// Where the store keeps its data, read from `--database` or `SPRUCELINK_DATABASE`.
public enum DatabaseLocation: Equatable, Sendable, CustomStringConvertible {
    /// An SQLite file (the embedded default), created when missing.
    case sqlite(path: String)
    /// A PostgreSQL server: `postgres://user:password@host:5432/database?sslmode=require`.
    case postgres(url: String)

    public static let environmentVariable = "SPRUCELINK_DATABASE"
    public static let defaultPath = "./sprucelink.sqlite"

    /// Reads a database setting: a `postgres://` (or `postgresql://`) URL, or a file path (or `sqlite:PATH`).
    /// - Throws: ``StoreError/invalidLocation(_:)`` when the setting is empty.
    public init(parsing setting: String) throws(StoreError) {
        let trimmed = setting.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw .invalidLocation("database setting is empty") }
        let lowered = trimmed.lowercased()
        if lowered.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalidLocation("sqlite: needs a file path") }
            self = .sqlite(path: path)
        } else if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// The setting for messages and logs, with any password replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://(unreadable URL)" }
            if components.password != nil { components.password = "***" }
            return components.string ?? "postgres://(unreadable URL)"
        }
    }
}
