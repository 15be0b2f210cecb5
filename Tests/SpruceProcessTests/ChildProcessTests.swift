import Foundation
import Glibc
import Testing

@testable import SpruceProcess

@Suite("Child processes")
struct ChildProcessTests {
    @Test("a program's output, errors and exit status come back")
    func outputsAndStatus() throws {
        let finished = try ChildProcess("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"]).run()
        #expect(finished.termination == .exited(3))
        #expect(finished.status == 3)
        #expect(finished.output == Array("out".utf8))
        #expect(finished.errors == Array("err".utf8))
    }

    /// 4 MiB each way is far beyond a pipe's 64 KiB: written and read one after the other, both sides would wait.
    @Test("input and output much larger than a pipe pass through without either side waiting for the other")
    func largeInputAndOutput() throws {
        let input = (0..<4 << 20).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var child = ChildProcess("/bin/cat", [])
        child.input = .bytes(input)
        let finished = try child.run(timeout: .seconds(60))
        #expect(finished.termination == .exited(0))
        #expect(finished.output.count == input.count)
        #expect(finished.output == input)
    }

    @Test("a child that never reads its input ends it without a SIGPIPE here")
    func unreadInput() throws {
        var child = ChildProcess("/bin/sh", ["-c", "exec 0<&-; echo done"])
        child.input = .bytes([UInt8](repeating: 65, count: 1 << 20))
        let finished = try child.run(timeout: .seconds(60))
        #expect(finished.termination == .exited(0))
        #expect(finished.output == Array("done\n".utf8))
    }

    @Test("a program that does not exist is an error that names it")
    func missingProgram() throws {
        #expect(throws: ChildProcessError.cannotStart(program: "/nonexistent/tool", errno: ENOENT)) {
            try ChildProcess("/nonexistent/tool", []).run()
        }
        let error = ChildProcessError.cannotStart(program: "/nonexistent/tool", errno: ENOENT)
        #expect(error.description == "cannot run /nonexistent/tool: No such file or directory")
        #expect(
            ChildProcessError.threadFailed(errno: EAGAIN).description
                == "cannot start a thread to wait for the child: Resource temporarily unavailable")
    }

    @Test("an output file that cannot be opened is an error that names it")
    func unopenableFile() throws {
        var child = ChildProcess("/bin/true", [])
        child.output = .file("/nonexistent/folder/out")
        #expect(throws: ChildProcessError.cannotOpen(path: "/nonexistent/folder/out", errno: ENOENT)) {
            try child.run()
        }
    }

    @Test("past its timeout a child is killed and the error says how long it had")
    func timeout() throws {
        let started = ContinuousClock.now
        #expect(throws: ChildProcessError.timedOut(program: "/bin/sleep", seconds: 0.2)) {
            try ChildProcess("/bin/sleep", ["30"]).run(timeout: .milliseconds(200))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test("the directory and added variables reach the child, the rest of the environment too")
    func directoryAndEnvironment() throws {
        var child = ChildProcess("/bin/sh", ["-c", "pwd; echo \"$SPRUCE_CHILD_TEST\"; echo \"$PATH\""])
        child.directory = "/tmp"
        child.environment = ["SPRUCE_CHILD_TEST": "a b=c"]
        let lines = String(decoding: try child.run().output, as: UTF8.self).split(separator: "\n")
        #expect(lines.count == 3)
        #expect(lines.first == "/tmp")
        #expect(lines.dropFirst().first == "a b=c")
        #expect(lines.last.map(String.init) == ProcessInfo.processInfo.environment["PATH"])
    }

    @Test("outputs can go to one file, appended, or be discarded")
    func filesAndDiscard() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var child = ChildProcess("/bin/sh", ["-c", "echo one; echo two >&2"])
        child.output = .file(path)
        child.errors = .file(path)
        #expect(try child.run().termination == .exited(0))
        #expect(try child.run().output.isEmpty)
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "one\ntwo\none\ntwo\n")
        child.output = .discard
        child.errors = .discard
        let finished = try child.run()
        #expect(finished.output.isEmpty && finished.errors.isEmpty)
    }

    @Test("no descriptor of this process but the three reaches the child")
    func descriptorsClosed() throws {
        let open = Glibc.open("/dev/null", O_RDONLY)  // not close-on-exec
        defer { Glibc.close(open) }
        let listing = try ChildProcess("/bin/ls", ["/proc/self/fd"]).run().output
        let descriptors = String(decoding: listing, as: UTF8.self).split(separator: "\n").compactMap { Int32($0) }
        // ls's own descriptor on the folder it lists is the fourth.
        #expect(descriptors.count == 4)
        #expect(!descriptors.contains(open) || open == 3)
    }

    @Test("a started child runs until signalled, then says how it ended")
    func startAndSignal() throws {
        var child = ChildProcess("/bin/sleep", ["30"])
        child.output = .discard
        child.errors = .discard
        let running = try child.start()
        #expect(running.isRunning)
        running.send(signal: SIGTERM)
        #expect(running.wait() == .killed(signal: SIGTERM))
        #expect(!running.isRunning)
        #expect(running.wait().description == "was killed by signal 15")
    }

    @Test("start refuses a captured output or an input: nobody would read or write them")
    func startRefusesPipes() {
        #expect(throws: ChildProcessError.captureNeedsRun(program: "/bin/true")) {
            try ChildProcess("/bin/true", []).start()
        }
        var child = ChildProcess("/bin/true", [])
        child.output = .discard
        child.errors = .discard
        child.input = .bytes([1])
        #expect(throws: ChildProcessError.inputNeedsRun(program: "/bin/true")) { try child.start() }
    }

    /// Foundation's `Process.run()` crashed the suite now and then (see ``ChildProcess``); many children at once,
    /// while this process holds many descriptors, is the shape that met it.
    @Test("many children run at once from many threads, each with its own output")
    func concurrentChildren() async throws {
        let held = (0..<200).map { _ in Glibc.open("/dev/null", O_RDONLY | O_CLOEXEC) }
        defer { for descriptor in held { Glibc.close(descriptor) } }
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<32 {
                group.addTask {
                    let finished = try await ChildProcess("/bin/echo", ["child \(index)"]).run(timeout: .seconds(60))
                    return finished.output == Array("child \(index)\n".utf8)
                }
            }
            for try await matched in group { #expect(matched) }
        }
    }

    /// Each child waits for a file that only this test's own task makes, after starting them all. Were the waits
    /// held on the cooperative pool, the children would fill its few threads, that task would never run, and
    /// every child would time out.
    @Test("an async run waits off the cooperative pool: more children than processors wait for a task to go on")
    func asyncRunLeavesThePoolFree() async throws {
        let flag = FileManager.default.temporaryDirectory.appendingPathComponent("spruce-flag-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: flag) }
        let children = ProcessInfo.processInfo.activeProcessorCount * 4
        try await withThrowingTaskGroup(of: ChildProcess.Termination.self) { group in
            for _ in 0..<children {
                group.addTask {
                    let waiting = ChildProcess(
                        "/bin/sh", ["-c", "while [ ! -e \"$0\" ]; do sleep 0.05; done", flag.path])
                    return try await waiting.run(timeout: .seconds(60)).termination
                }
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(FileManager.default.createFile(atPath: flag.path, contents: Data()))
            var ended = 0
            for try await termination in group {
                #expect(termination == .exited(0))
                ended += 1
            }
            #expect(ended == children)
        }
    }
}

/// Foundation's `Process` crashes now and then on this toolchain (see ``ChildProcess``): nothing may use it.
@Suite("Nothing runs a program through Foundation's Process")
struct NoFoundationProcessTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("no source, test or benchmark makes a Process or a Pipe")
    func foundationProcessUnused() throws {
        // A Process or a Pipe made, as a whole name: the pattern is spelled apart so that this file is no hit.
        let made = try Regex("(^|[^A-Za-z0-9_])(Process|Pipe)" + #"\(\)"#)
        #expect(("let child = Process" + "()").contains(made) && !("ChildProcess" + "()").contains(made))
        var hits: [String] = []
        for folder in ["Sources", "Tests", "Benchmarks"] {
            let base = Self.root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(atPath: base.path) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let text = try String(contentsOf: base.appendingPathComponent(relative), encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains(made) {
                    hits.append("\(folder)/\(relative):\(number + 1)")
                }
            }
        }
        #expect(hits.isEmpty, "use SpruceProcess.ChildProcess instead:\n\(hits.joined(separator: "\n"))")
    }
}
