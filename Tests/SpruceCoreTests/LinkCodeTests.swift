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
        #expect((try? InvitationToken(String(repeating: "K", count: 26)))?.rawValue == String(repeating: "k", count: 26))
    }
}
