import Foundation
import SpruceCore
import Testing

/// One row of `Fixtures/phone-numbers.json`.
struct PhoneCase: Decodable, Sendable, CustomTestStringConvertible {
    let region: String
    let input: String
    let e164: String?
    let kind: String?
    let numberRegion: String?
    let field: String?
    let rule: String?

    var testDescription: String { "\(region) \(input.debugDescription)" }

    static let all: (valid: [PhoneCase], invalid: [PhoneCase]) = {
        struct File: Decodable {
            let valid: [PhoneCase]
            let invalid: [PhoneCase]
        }
        guard let data = try? Data(contentsOf: FixtureFiles.url("phone-numbers.json")),
            let file = try? JSONDecoder().decode(File.self, from: data)
        else { return ([], []) }
        return (file.valid, file.invalid)
    }()
}

@Suite("Phone numbers through libphonenumber")
struct PhoneNumberTests {
    @Test("the fixture covers at least 30 regions, mobile and fixed lines")
    func fixtureCoverage() {
        let valid = PhoneCase.all.valid
        #expect(Set(valid.compactMap(\.numberRegion)).count >= 30)
        #expect(valid.contains { $0.kind == "mobile" })
        #expect(valid.contains { $0.kind == "fixed-line" })
        #expect(PhoneCase.all.invalid.count >= 10)
    }

    @Test("valid numbers: E.164, the kind of line and the region", arguments: PhoneCase.all.valid)
    func valid(_ phone: PhoneCase) throws {
        let number = try PhoneNumber(parsing: phone.input, defaultRegion: phone.region)
        #expect(number.e164 == phone.e164)
        #expect(number.kind.rawValue == phone.kind)
        #expect(number.region == phone.numberRegion)
        #expect(number.canReceiveTexts == (phone.kind == "mobile" || phone.kind == "fixed-line or mobile"))
    }

    @Test("invalid numbers are refused with the reason", arguments: PhoneCase.all.invalid)
    func invalid(_ phone: PhoneCase) {
        #expect {
            try PhoneNumber(parsing: phone.input, defaultRegion: phone.region)
        } throws: { error in
            guard let error = error as? InvitationInputError, let rule = phone.rule else { return false }
            return error.field == (phone.field ?? "phone") && error.rule.contains(rule)
        }
    }

    @Test("a number that cannot receive texts is refused for texts, saying why")
    func texts() throws {
        let landline = try PhoneNumber(parsing: "030 1234567", defaultRegion: "DE")
        #expect(!landline.canReceiveTexts)
        #expect(
            throws: InvitationInputError(
                field: "phone", rule: "+49301234567 is a fixed-line number, which cannot receive texts")
        ) {
            try landline.requireTexts()
        }
        let tollFree = try PhoneNumber(parsing: "+1 800 555 0100")
        #expect(tollFree.kind == .tollFree)
        #expect(throws: InvitationInputError.self) { try tollFree.requireTexts() }
        try PhoneNumber(parsing: "0151 23456789", defaultRegion: "DE").requireTexts()
        try PhoneNumber(parsing: "(217) 555-0100").requireTexts()
    }

    @Test("every spelling of one number gives one key, valid or not")
    func canonicalKeys() {
        let spellings = ["+15551234567", "+1 555 123 4567", "+1-555-123-4567", "(555) 123-4567", " +1.555.123.4567 "]
        #expect(Set(spellings.compactMap { PhoneNumber.canonicalKey(for: $0) }) == ["+15551234567"])
        #expect(PhoneNumber.canonicalKey(for: "not a phone") == nil)
        #expect(PhoneNumber.canonicalKey(for: "+1555\u{0}1234567") == nil)
    }

    @Test("every region libphonenumber knows, not a hand-written few")
    func regions() {
        #expect(PhoneNumber.supportedRegionCount >= 240)
        for region in ["US", "gb", "BR", "NG", "IS", "FJ", "MN", "BT"] {
            #expect(PhoneNumber.isSupportedRegion(region))
        }
        for region in ["ZZ", "", "USA", "U"] { #expect(!PhoneNumber.isSupportedRegion(region)) }
    }
}
