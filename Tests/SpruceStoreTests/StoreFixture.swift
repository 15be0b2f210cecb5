import Foundation
import Synchronization
import SpruceCore
import SpruceStore

/// Opens a store on a fresh SQLite file in a temp folder, runs `body`, then closes it and removes the folder.
func withStore<T>(
    settings: StoreSettings = testSettings(),
    _ body: (SpruceStore, URL) async throws -> T
) async throws -> T {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("sprucelink-store-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let file = folder.appendingPathComponent("test.sqlite")
    let store = try await SpruceStore.open(.sqlite(path: file.path), settings: settings)
    do {
        let result = try await body(store, file)
        await store.close()
        return result
    } catch {
        await store.close()
        throw error
    }
}

/// The repository's Fixtures folder.
let fixturesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Fixtures")

/// Hands out a scripted list of codes, then falls back to random ones: forces collisions on purpose.
final class ScriptedCodeSource: LinkCodeSource {
    private let remaining: Mutex<[LinkCode]>
    private let drawn = Atomic<Int>(0)

    init(_ codes: [String]) throws {
        self.remaining = Mutex(try codes.map { try LinkCode($0) })
    }

    var drawCount: Int { drawn.load(ordering: .relaxed) }

    func numericCode(length: Int) -> LinkCode {
        drawn.add(1, ordering: .relaxed)
        return remaining.withLock { codes in
            codes.isEmpty ? LinkCode.randomNumeric(length: length) : codes.removeFirst()
        }
    }
}

func sampleProfile(_ name: String = "Oak Street Pediatrics", kind: OrganizationKind = .practice) -> ClinicProfile {
    ClinicProfile(
        displayName: name, kind: kind, specialty: "Pediatrics", summary: "Care for kids.",
        address: "1 Oak St", phone: "+1 217-555-0100", website: "https://oak.example", hours: "Mon–Fri 8–5"
    )
}

/// Settings for tests: a cheap password hash (the real cost is exercised once, in its own test) and no rate caps.
func testSettings(limits: ConnectLimits = .unlimited) -> StoreSettings {
    StoreSettings(signingKey: .random(), passwordHasher: PasswordHasher(cost: 16), connectLimits: limits)
}
