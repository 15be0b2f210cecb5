import Foundation
import Testing

@testable import SpruceCore

/// One entry of `Fixtures/scanned-links.json`.
struct ScanCase: Decodable, Sendable, CustomTestStringConvertible {
    let name: String
    let input: String
    let `repeat`: Int?
    let hostile: Bool
    let kind: String?
    let value: String?
    let query: String?
    let fragment: String?
    let error: String?

    var text: String { String(repeating: input, count: self.repeat ?? 1) }
    var testDescription: String { name }

    static let corpus: [ScanCase] = {
        struct File: Decodable { let cases: [ScanCase] }
        guard let data = try? Data(contentsOf: FixtureFiles.url("scanned-links.json")),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return [] }
        return file.cases
    }()
}

@Suite("ScannedLink")
struct ScannedLinkTests {
    static let token = "abcdefghjkmnpqrstuvwxyz234"

    @Test("the corpus is big and hostile enough")
    func corpusShape() {
        let corpus = ScanCase.corpus
        #expect(corpus.count >= 60)
        #expect(corpus.filter(\.hostile).count * 2 >= corpus.count)
        for entry in corpus {
            #expect((entry.error == nil) != (entry.kind == nil), "\(entry.name): exactly one of kind and error")
        }
    }

    @Test("corpus", arguments: ScanCase.corpus)
    func corpus(_ entry: ScanCase) {
        let result = Result { () throws(ScanError) in try ScannedLink.parse(entry.text) }
        switch result {
        case .success(let scanned):
            #expect(entry.error == nil, "expected error \(entry.error ?? "")")
            switch scanned.target {
            case .practice(let code):
                #expect(entry.kind == "practice")
                #expect(code.rawValue == entry.value)
            case .invitation(let token):
                #expect(entry.kind == "invitation")
                #expect(token.rawValue == entry.value)
            }
            #expect(scanned.attribution == ScannedLink.Attribution(query: entry.query, fragment: entry.fragment))
        case .failure(let error):
            #expect(error.description == entry.error)
        }
    }

    @Test(
        "messages quoted in the issue, verbatim",
        arguments: [
            ("https://evil.example/1", "foreign host \"evil.example\""),
            ("https://spruce.care@evil.example/1", "user info is not allowed"),
            ("javascript:alert(1)", "scheme \"javascript\" is not allowed"),
            ("https://spruce.care/123456/x", "extra path segment \"x\""),
            ("https://spruce.care/", "code is empty"),
            (String(repeating: "1", count: 2049), "input longer than 2048 bytes"),
            ("https://spru\u{0}ce.care/1", "control character at offset 12"),
        ]
    )
    func issueMessages(input: String, message: String) {
        #expect(Self.message(input) == message)
    }

    @Test("length is checked before trimming and before anything else")
    func lengthFirst() {
        let padded = String(repeating: " ", count: 2043) + "123456"
        #expect(throws: ScanError.tooLong(maximumBytes: 2048)) { try ScannedLink.parse(padded) }
        let control = String(repeating: "\u{0}", count: 2049)
        #expect(throws: ScanError.tooLong(maximumBytes: 2048)) { try ScannedLink.parse(control) }
        // Multi-byte characters count by their UTF-8 bytes: "€" is 3 bytes, 683 × 3 = 2049.
        #expect(throws: ScanError.tooLong(maximumBytes: 2048)) {
            try ScannedLink.parse(String(repeating: "€", count: 683))
        }
    }

    @Test("configured hosts replace the defaults, in any case, with or without a trailing dot")
    func configuredHosts() throws {
        let hosts = ["Links.Example.ORG."]
        let scanned = try ScannedLink.parse("https://www.links.example.org/123456", hosts: hosts)
        #expect(scanned.target == .practice(try LinkCode("123456")))
        #expect(throws: ScanError.foreignHost("spruce.care")) {
            try ScannedLink.parse("https://spruce.care/123456", hosts: hosts)
        }
        // Bare codes need no host.
        #expect(try ScannedLink.parse("123456", hosts: []).target == .practice(try LinkCode("123456")))
    }

    @Test("an error never echoes user info or an invitation token")
    func noSecretsInMessages() {
        let inputs = [
            "https://alice:hunter2@spruce.care/123456",
            "https://alice:hunter2@evil.example/123456",
            "https://spruce.care/i/\(Self.token)/extra",
        ]
        for input in inputs {
            do {
                _ = try ScannedLink.parse(input)
                Issue.record("accepted \(input)")
            } catch {
                #expect(!error.description.contains("hunter2"))
                #expect(!error.description.contains(Self.token))
            }
        }
    }

    @Test("printing a scanned invitation does not reveal the token")
    func redactedDescription() throws {
        let scanned = try ScannedLink.parse("https://spruce.care/i/\(Self.token)")
        #expect(!String(describing: scanned).contains(Self.token))
        #expect(!"\(scanned.target)".contains(Self.token))
    }

    @Test("every accepted spelling of random codes and tokens parses back to them")
    func roundTrip() throws {
        var generator = SplitMix64(seed: 0x5EED)
        var targets: [ScannedLink.Target] = []
        for length in LinkCode.numericLengths {
            for _ in 0..<4 { targets.append(.practice(LinkCode.randomNumeric(length: length, using: &generator))) }
        }
        for _ in 0..<24 { targets.append(.practice(Self.randomVanity(using: &generator))) }
        for _ in 0..<12 { targets.append(.invitation(InvitationToken.generate(using: &generator))) }

        let schemes = ["", "http://", "https://", "HTTPS://", "Http://", "//"]
        let hosts = [
            "spruce.care", "SPRUCE.CARE", "Spruce.Care", "www.spruce.care", "WWW.Spruce.App", "spruce.app",
            "spruce.care.", "spruce.care:443",
        ]
        let tails = ["", "/", "?utm_source=flyer", "/?utm_source=flyer#x", "#frag", "?a=1&b=/2#c?d"]
        let spaces = [("", ""), ("  ", "\n"), ("\t", " \r\n")]
        var checked = 0
        for target in targets {
            let path: String =
                switch target {
                case .practice(let code): code.rawValue
                case .invitation(let token): "i/" + token.rawValue
                }
            let cased = generator.next() % 2 == 0 ? path.uppercased() : path
            for scheme in schemes {
                for host in hosts where !(scheme.lowercased() == "http://" && host.hasSuffix(":443")) {
                    for tail in tails {
                        let (before, after) = spaces[Int(generator.next() % UInt64(spaces.count))]
                        let input = before + scheme + host + "/" + cased + tail + after
                        let scanned = try ScannedLink.parse(input)
                        #expect(scanned.target == target, "\(input)")
                        #expect(try ScannedLink.parse(scanned.url()) == ScannedLink(target: target))
                        #expect(try ScannedLink.parse(scanned.url(host: "spruce.app")).target == target)
                        checked += 1
                    }
                }
            }
            if case .practice(let code) = target {
                #expect(try ScannedLink.parse(" " + cased + "\n").target == .practice(code))
            }
        }
        #expect(checked > 10_000)
    }

    @Test("canonical URLs")
    func canonicalURL() throws {
        let practice = ScannedLink(target: .practice(try LinkCode("Oak-Street")))
        #expect(practice.url() == "https://spruce.care/oak-street")
        #expect(practice.url(host: "spruce.app") == "https://spruce.app/oak-street")
        let invitation = ScannedLink(
            target: .invitation(try InvitationToken(Self.token)),
            attribution: .init(query: "utm_source=x", fragment: "y")
        )
        #expect(invitation.url() == "https://spruce.care/i/\(Self.token)")
    }

    @Test("no input makes the parser trap: random byte soup either parses or throws")
    func fuzz() {
        var generator = SplitMix64(seed: 42)
        let pieces = [
            "https://", "http:", "//", "/", "\\", "@", ":", "%", "?", "#", ".", "spruce.care", "www.", "i",
            "123456", "oak", "-", "[", "]", "443", " ", "\u{0}", "é", "\u{85}", Self.token,
        ]
        for _ in 0..<20_000 {
            var input = ""
            for _ in 0..<Int(generator.next() % 8) { input += pieces[Int(generator.next() % UInt64(pieces.count))] }
            if let scanned = try? ScannedLink.parse(input) {
                // Whatever was accepted names one of our hosts or no host at all.
                #expect((try? ScannedLink.parse(scanned.url()))?.target == scanned.target, "\(input)")
            }
        }
    }

    /// The error message for `input`, or `nil` when it parses.
    static func message(_ input: String) -> String? {
        do {
            _ = try ScannedLink.parse(input)
            return nil
        } catch {
            return error.description
        }
    }

    static func randomVanity(using generator: inout some RandomNumberGenerator) -> LinkCode {
        let letters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        while true {
            let words = Int.random(in: 1...4, using: &generator)
            let text = (0..<words).map { _ in
                String(
                    (0..<Int.random(in: 1...9, using: &generator)).map { _ in
                        letters[Int.random(in: 0..<letters.count, using: &generator)]
                    })
            }.joined(separator: "-")
            if let code = try? LinkCode(text), code.kind == .vanity { return code }
        }
    }
}
