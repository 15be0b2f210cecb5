import Foundation
import Testing

@testable import SpruceCore

@Suite("LinkCode")
struct LinkCodeTests {
    @Test(
        "case folding is ASCII only: Unicode letters that lowercase to ASCII are look-alikes, not codes",
        arguments: [
            ("\u{212A}ids-clinic", LinkCodeError.invalidCharacter(offset: 0)),  // KELVIN SIGN → "k" in lowercased()
            ("oa\u{212A}-street", LinkCodeError.invalidCharacter(offset: 2)),
            ("\u{0130}stanbul-care", LinkCodeError.invalidCharacter(offset: 0)),  // İ
        ]
    )
    func asciiFolding(text: String, error: LinkCodeError) {
        #expect(throws: error) { try LinkCode(text) }
    }

    @Test("tokens fold ASCII case only")
    func tokenASCIIFolding() {
        let kelvin = "\u{212A}" + String(repeating: "a", count: 25)
        #expect(throws: InvitationTokenError.self) { try InvitationToken(kelvin) }
        #expect(
            (try? InvitationToken(String(repeating: "K", count: 26)))?.rawValue == String(repeating: "k", count: 26))
    }
}

@Suite("LinkCode rules and generation")
struct LinkCodeRulesTests {
    @Test(
        "valid codes, case folded",
        arguments: [
            ("123456", "123456", LinkCode.Kind.numeric),
            ("9999999999", "9999999999", .numeric),
            ("100000", "100000", .numeric),
            ("abc", "abc", .vanity),
            ("Oak-Street-Pediatrics", "oak-street-pediatrics", .vanity),
            ("OAK-STREET", "oak-street", .vanity),
            ("dr-smith-2", "dr-smith-2", .vanity),
            ("0abc", "0abc", .vanity),
            ("123456a", "123456a", .vanity),
            ("a-1", "a-1", .vanity),
            (String(repeating: "a", count: 40), String(repeating: "a", count: 40), .vanity),
            ("admin-2", "admin-2", .vanity),
            ("Api1", "api1", .vanity),
        ]
    )
    func valid(text: String, rawValue: String, kind: LinkCode.Kind) throws {
        let code = try LinkCode(text)
        #expect(code.rawValue == rawValue)
        #expect(code.kind == kind)
        #expect(code.description == rawValue)
        #expect(try LinkCode(rawValue.uppercased()) == code)
    }

    @Test(
        "every rule, with its message",
        arguments: [
            ("", LinkCodeError.empty, "code is empty"),
            ("12345", .tooShort(kind: .numeric, minimum: 6), "numeric code is shorter than 6 characters"),
            ("12345678901", .tooLong(kind: .numeric, maximum: 10), "numeric code is longer than 10 characters"),
            ("012345", .leadingZero, "numeric code must not start with 0"),
            ("ab", .tooShort(kind: .vanity, minimum: 3), "vanity code is shorter than 3 characters"),
            (
                String(repeating: "a", count: 41), .tooLong(kind: .vanity, maximum: 40),
                "vanity code is longer than 40 characters"
            ),
            ("oak street", .invalidCharacter(offset: 3), "code has a character other than a-z, 0-9 and - at offset 3"),
            ("oak_street", .invalidCharacter(offset: 3), "code has a character other than a-z, 0-9 and - at offset 3"),
            (" oak", .invalidCharacter(offset: 0), "code has a character other than a-z, 0-9 and - at offset 0"),
            ("café", .invalidCharacter(offset: 3), "code has a character other than a-z, 0-9 and - at offset 3"),
            ("-oak", .leadingHyphen, "code must not start with a hyphen"),
            ("oak-", .trailingHyphen, "code must not end with a hyphen"),
            ("oak--street", .doubleHyphen, "code must not contain a double hyphen"),
            ("123-456", .noLetter, "vanity code needs at least one letter"),
            ("---", .leadingHyphen, "code must not start with a hyphen"),
            ("api", .reserved, "code is a reserved word"),
            ("LOGIN", .reserved, "code is a reserved word"),
            ("Inbox", .reserved, "code is a reserved word"),
            ("apple-app-site-association", .reserved, "code is a reserved word"),
            ("robots.txt", .invalidCharacter(offset: 6), "code has a character other than a-z, 0-9 and - at offset 6"),
        ]
    )
    func invalid(text: String, error: LinkCodeError, message: String) {
        #expect(throws: error) { try LinkCode(text) }
        #expect(error.description == message)
        #expect(text.isEmpty || !message.lowercased().contains(text.lowercased()))  // names the rule, not the code
    }

    @Test("every reserved word that has a code's shape is refused as reserved", arguments: ReservedWords.all.sorted())
    func reservedWords(word: String) {
        #expect(throws: LinkCodeError.self) { try LinkCode(word) }
        #expect(throws: LinkCodeError.self) { try LinkCode(word.uppercased()) }
    }

    @Test("Codable: a code encodes as its text and decoding applies the rules")
    func codable() throws {
        let code = try LinkCode("Oak-Street")
        let data = try JSONEncoder().encode([code])
        #expect(String(decoding: data, as: UTF8.self) == #"["oak-street"]"#)
        #expect(try JSONDecoder().decode([LinkCode].self, from: data) == [code])
        #expect(throws: DecodingError.self) { try JSONDecoder().decode([LinkCode].self, from: Data(#"["api"]"#.utf8)) }
    }

    @Test("lengths are clamped to 6...10", arguments: [(0, 6), (5, 6), (6, 6), (8, 8), (10, 10), (11, 10), (99, 10)])
    func clamped(requested: Int, actual: Int) {
        var generator = SplitMix64(seed: UInt64(requested))
        #expect(LinkCode.randomNumeric(length: requested, using: &generator).rawValue.count == actual)
    }

    /// 100 000 codes of 10 digits from the system generator: 9·10^9 possible codes, so the birthday bound expects
    /// n²/2N ≈ 0.56 duplicate pairs. "No duplicates" would fail about 43 % of runs;
    /// more than 5 (p ≈ 2·10⁻⁵) is a bug.
    @Test("100 000 system codes of length 10: format, and duplicates within the birthday bound")
    func systemCodesLength10() throws {
        var seen = Set<String>()
        var duplicates = 0
        for _ in 0..<100_000 {
            let code = LinkCode.randomNumeric(length: 10)
            let bytes = Array(code.rawValue.utf8)
            #expect(bytes.count == 10)
            #expect(bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 })
            #expect(bytes[0] != UInt8(ascii: "0"))
            #expect(code.kind == .numeric)
            if !seen.insert(code.rawValue).inserted { duplicates += 1 }
        }
        #expect(duplicates <= 5)
    }

    /// At the default length 8 (9·10^7 codes) 100 000 draws expect ≈ 55.6 duplicate pairs (σ ≈ 7.5): far fewer
    /// would mean the codes are not independent draws (sequential or de-duplicated), far more a biased generator.
    @Test("100 000 system codes of length 8: duplicates match the birthday bound")
    func systemCodesLength8() {
        var seen = Set<UInt64>()
        var duplicates = 0
        for _ in 0..<100_000 {
            let code = LinkCode.randomNumeric()
            #expect(code.rawValue.count == LinkCode.defaultNumericLength)
            if !seen.insert(UInt64(code.rawValue) ?? 0).inserted { duplicates += 1 }
        }
        #expect((20...100).contains(duplicates), "duplicates: \(duplicates)")
    }

    @Test("consecutive codes are not sequential and digits are uniform", arguments: [nil, 0xC0DE] as [UInt64?])
    func notSequential(seed: UInt64?) {
        var seeded = SplitMix64(seed: seed ?? 0)
        var system = SystemRandomNumberGenerator()
        let count = 100_000
        var values: [Int64] = []
        values.reserveCapacity(count)
        var digitCounts = Array(repeating: Array(repeating: 0, count: 10), count: 8)
        for _ in 0..<count {
            let code =
                seed == nil ? LinkCode.randomNumeric(using: &system) : LinkCode.randomNumeric(using: &seeded)
            values.append(Int64(code.rawValue) ?? 0)
            for (position, byte) in code.rawValue.utf8.enumerated() { digitCounts[position][Int(byte - 0x30)] += 1 }
        }
        let pairs = zip(values, values.dropFirst())
        // |Δ| ≤ 1000 has probability ≈ 2001/9·10^7 per pair: ≈ 2.2 expected in 10^5 pairs.
        let close = pairs.filter { abs($0 - $1) <= 1_000 }.count
        #expect(close <= 15, "close pairs: \(close)")
        let increasing = Double(pairs.filter { $1 > $0 }.count) / Double(count - 1)
        #expect((0.49...0.51).contains(increasing), "increasing: \(increasing)")
        // Chi-square per position: first digit over 1-9 (8 dof), others over 0-9 (9 dof); 40 is p < 10⁻⁵.
        for (position, counts) in digitCounts.enumerated() {
            let bins = position == 0 ? Array(counts[1...]) : counts
            #expect(position != 0 || counts[0] == 0)
            let expected = Double(count) / Double(bins.count)
            let chiSquare = bins.reduce(0.0) { $0 + pow(Double($1) - expected, 2) / expected }
            #expect(chiSquare < 40, "position \(position): χ² = \(chiSquare)")
        }
    }
}

@Suite("LinkCode numbers")
struct LinkCodeNumberTests {
    @Test("a numeric code's number gives the code back", arguments: ["100000", "123456", "48193027", "9999999999"])
    func roundTrip(text: String) throws {
        let code = try LinkCode(text)
        let number = try #require(code.number)
        #expect(number == UInt64(text))
        #expect(LinkCode(number: number) == code)
    }

    @Test("a vanity code has no number, even when it ends in digits")
    func vanity() throws {
        #expect(try LinkCode("dr-smith-2").number == nil)
        #expect(try LinkCode("a123456").number == nil)
    }

    @Test(
        "numbers of fewer than 6 or more than 10 digits are no code",
        arguments: [0, 99_999, 10_000_000_000] as [UInt64])
    func outOfRange(number: UInt64) {
        #expect(LinkCode(number: number) == nil)
    }
}
