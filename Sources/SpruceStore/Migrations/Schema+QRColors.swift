import SQLKit

extension Schema {
    /// The colors of each link's QR code, set by its organization; NULL is black on white.
    @Sendable static func version6(_ database: any SQLDatabase) async throws {
        for column in ["qr_foreground", "qr_background"] {
            try await database.alter(table: "links").column(column, type: .text).run()
        }
    }
}
