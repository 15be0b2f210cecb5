import Testing

@testable import SpruceCore

@Suite("VanitySlug")
struct VanitySlugTests {
    @Test(
        "practice names to slugs",
        arguments: [
            ("Oak Street Pediatrics", "oak-street-pediatrics"),
            ("Clínica São José", "clinica-sao-jose"),
            ("Straße Praxis", "strasse-praxis"),
            ("Øster Clinic", "oster-clinic"),
            ("Ærø Family Care", "aero-family-care"),
            ("Łódź Medical", "lodz-medical"),
            ("Crème Brûlée Dermatology", "creme-brulee-dermatology"),
            ("Þórr Health", "thorr-health"),
            ("St. Mary's Clinic", "st-marys-clinic"),
            ("St Mary\u{2019}s Clinic", "st-marys-clinic"),
            ("Smith & Jones", "smith-and-jones"),
            ("A&B Pediatrics", "a-and-b-pediatrics"),
            ("Happy 😀 Teeth", "happy-teeth"),
            ("😀 Smile Dental 😀", "smile-dental"),
            ("  Oak   Street  ", "oak-street"),
            ("--Oak--Street--", "oak-street"),
            ("Oak / Street, Pediatrics!", "oak-street-pediatrics"),
            ("OAK STREET", "oak-street"),
            ("Clinic 24/7", "clinic-24-7"),
            ("123 Main Street Clinic", "123-main-street-clinic"),
            ("Dr. Ng", "dr-ng"),
            ("Ｆｕｌｌｗｉｄｔｈ Clinic", "fullwidth-clinic"),
            ("東京 Clinic", "clinic"),
            ("Admin", "admin"),
            ("API", "api"),
            // Capped at 40 on a word boundary, no trailing hyphen.
            (
                "The Very Long Name Of A Pediatric Clinic In Oak Street Springfield",
                "the-very-long-name-of-a-pediatric-clinic"
            ),
            (
                "Pediatrics and Adolescent Medicine of Greater Springfield",
                "pediatrics-and-adolescent-medicine-of"
            ),
            (String(repeating: "a", count: 50), String(repeating: "a", count: 40)),
            ("Supercalifragilisticexpialidocious Pediatrics Ltd", "supercalifragilisticexpialidocious"),
        ]
    )
    func slugs(name: String, slug: String) {
        #expect(VanitySlug.make(from: name) == slug)
    }

    @Test(
        "names without a slug",
        arguments: [
            "", "   ", "!!!", "?!?", "123", "12 34", "😀😀", "東京",
            "Dr", "--", "'''",
        ]
    )
    func noSlug(name: String) {
        #expect(VanitySlug.make(from: name) == nil)
        #expect(LinkCode.vanityCandidates(for: name).isEmpty)
    }

    @Test("every slug is a valid code or a reserved word", arguments: Self.manyNames)
    func slugsAreCodes(name: String) {
        guard let slug = VanitySlug.make(from: name) else { return }
        #expect(slug.utf8.count <= LinkCode.vanityLengths.upperBound)
        if ReservedWords.contains(slug) {
            #expect(throws: LinkCodeError.reserved) { try LinkCode(slug) }
        } else {
            #expect((try? LinkCode(slug))?.rawValue == slug)
        }
    }

    @Test("a reserved slug is skipped: candidates for Admin start at admin-2")
    func reservedCandidates() {
        let candidates = LinkCode.vanityCandidates(for: "Admin", limit: 5).map(\.rawValue)
        #expect(candidates == ["admin-2", "admin-3", "admin-4", "admin-5", "admin-6"])
        #expect(
            LinkCode.vanityCandidates(for: "Oak Street", limit: 3).map(\.rawValue)
                == ["oak-street", "oak-street-2", "oak-street-3"])
    }

    @Test("suffixes fit in 40 characters")
    func suffixesFit() {
        let candidates = LinkCode.vanityCandidates(for: String(repeating: "abcdefghi ", count: 6), limit: 120)
        #expect(candidates.count == 120)
        for code in candidates { #expect(code.rawValue.count <= 40) }
        #expect(candidates.last?.rawValue.hasSuffix("-120") == true)
    }

    @Test("candidates end even when no suffixed stem can be valid (its only letter is cut off)")
    func candidatesTerminate() {
        // The slug's only letter is in its last word; cutting room for "-2" removes it, so no suffixed code exists.
        let name = "1234567890 1234567890 1234567890 12345 a"
        let candidates = LinkCode.vanityCandidates(for: name, limit: 50)
        #expect(candidates.map(\.rawValue) == ["1234567890-1234567890-1234567890-12345-a"])
    }

    static let manyNames: [String] = [
        "Oak Street Pediatrics", "Admin", "Login", "Robots.txt", "favicon.ico", "I", "QR", "www", "Static",
        "Clínica São José", "Smith & Jones", "The Clinic", "Dr. Ng", "A B C", "x-1", "Zoë's Café", "Ωmega Health",
        "Ça Va Clinic", "İstanbul Sağlık", "Đà Nẵng Clinic", "Help", "Support Center", "Inbox Zero Dental",
        String(repeating: "word ", count: 30), "9 Lives Vet", "--a--", "a", "ab", "abc", "1-2-3 Kids",
    ]
}
