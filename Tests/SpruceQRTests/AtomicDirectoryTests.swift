import Foundation
import Testing

@testable import SpruceQR

/// Batch writes into one directory: complete files under their names, nothing else left behind.
@Suite("AtomicDirectory")
struct AtomicDirectoryTests {
    static func withDirectory(_ body: (URL) throws -> Void) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        try body(url)
    }

    static func names(in url: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    @Test("a new file has exactly the bytes, mode 0644, and no other file appears")
    func newFile() throws {
        try Self.withDirectory { url in
            let directory = try AtomicDirectory(path: url.path)
            let bytes = (0..<5_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
            try directory.write(bytes, name: "1.png")
            try directory.write([], name: "empty.svg")
            #expect(try Self.names(in: url) == ["1.png", "empty.svg"])
            #expect(Array(try Data(contentsOf: url.appendingPathComponent("1.png"))) == bytes)
            #expect(try Data(contentsOf: url.appendingPathComponent("empty.svg")).isEmpty)
            let attributes = try FileManager.default.attributesOfItem(atPath: url.appendingPathComponent("1.png").path)
            #expect((attributes[.posixPermissions] as? Int) == 0o644)
        }
    }

    @Test("an existing file is replaced whole (a second batch into the same folder), through no leftover name")
    func replacesExisting() throws {
        try Self.withDirectory { url in
            let directory = try AtomicDirectory(path: url.path + "/")
            try directory.write(Array(repeating: 1, count: 900), name: "7.png")
            try directory.write([2, 3, 4], name: "7.png")
            #expect(Array(try Data(contentsOf: url.appendingPathComponent("7.png"))) == [2, 3, 4])
            #expect(try Self.names(in: url) == ["7.png"])
        }
    }

    @Test("many threads at once: every file complete, no temporary file left")
    func concurrent() throws {
        try Self.withDirectory { url in
            let directory = try AtomicDirectory(path: url.path)
            DispatchQueue.concurrentPerform(iterations: 120) { index in
                try? directory.write(Array(repeating: UInt8(index % 251), count: 100 + index), name: "\(index).png")
            }
            let names = try Self.names(in: url)
            #expect(names.count == 120)
            for index in 0..<120 {
                let bytes = Array(try Data(contentsOf: url.appendingPathComponent("\(index).png")))
                #expect(bytes == Array(repeating: UInt8(index % 251), count: 100 + index))
            }
        }
    }

    @Test(
        "an empty name and a name with a slash are refused, naming the path",
        arguments: ["", "a/b.png"])
    func badNames(name: String) throws {
        try Self.withDirectory { url in
            let directory = try AtomicDirectory(path: url.path)
            #expect(throws: RenderError.writeFailed(path: url.path + "/" + name, reason: "not a file name")) {
                try directory.write([1], name: name)
            }
            #expect(try Self.names(in: url).isEmpty)
        }
    }

    @Test("a missing folder, and a folder where the file should go, are errors naming the path")
    func failures() throws {
        try Self.withDirectory { url in
            #expect(throws: RenderError.writeFailed(path: url.path + "/missing", reason: "No such file or directory")) {
                try AtomicDirectory(path: url.path + "/missing")
            }
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("taken.png"), withIntermediateDirectories: false)
            let directory = try AtomicDirectory(path: url.path)
            #expect(throws: RenderError.self) { try directory.write([1, 2], name: "taken.png") }
            #expect(try Self.names(in: url) == ["taken.png"])
        }
    }
}
