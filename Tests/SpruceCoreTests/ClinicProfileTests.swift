import Foundation
import Testing

@testable import SpruceCore

@Suite("ClinicProfile")
struct ClinicProfileTests {
    /// The public fields of ``ClinicProfile`` and nothing else. Adding a field means changing this list on purpose.
    static let allowlist: Set<String> = [
        "displayName", "kind", "specialty", "summary", "address", "phone", "website", "hours", "acceptsNewPatients",
        "monogram",
    ]

    static let full = ClinicProfile(
        displayName: "Oak Street Pediatrics",
        kind: .clinic,
        specialty: "Pediatrics",
        summary: "Care for kids.",
        address: "1 Oak Street",
        phone: "+1 555 0100",
        website: "https://oak.example",
        hours: "Mon-Fri 8-5",
        acceptsNewPatients: false
    )

    @Test("JSON carries exactly the public allowlist")
    func jsonKeys() throws {
        let data = try JSONEncoder().encode(Self.full)
        let object = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        #expect(Set(object?.keys.map { $0 } ?? []) == Self.allowlist)
        #expect(try JSONDecoder().decode(ClinicProfile.self, from: data) == Self.full)
    }

    @Test("stored properties are exactly the public allowlist, so member or patient data cannot reach a profile")
    func storedProperties() {
        let names = Mirror(reflecting: Self.full).children.compactMap(\.label)
        #expect(Set(names) == Self.allowlist)
        #expect(names.count == Self.allowlist.count)
    }

    @Test(
        "validation names the field and its limit",
        arguments: [
            (ClinicProfile(displayName: "   "), "name is empty"),
            (ClinicProfile(displayName: String(repeating: "a", count: 121)), "name is longer than 120 characters"),
            (
                ClinicProfile(displayName: "Oak", specialty: String(repeating: "s", count: 201)),
                "specialty is longer than 200 characters"
            ),
            (
                ClinicProfile(displayName: "Oak", address: String(repeating: "a", count: 201)),
                "address is longer than 200 characters"
            ),
            (
                ClinicProfile(displayName: "Oak", phone: String(repeating: "1", count: 201)),
                "phone is longer than 200 characters"
            ),
            (
                ClinicProfile(displayName: "Oak", hours: String(repeating: "h", count: 201)),
                "hours is longer than 200 characters"
            ),
            (
                ClinicProfile(displayName: "Oak", summary: String(repeating: "d", count: 1_001)),
                "description is longer than 1000 characters"
            ),
            (
                ClinicProfile(displayName: "Oak", website: "javascript:alert(1)"),
                "website must start with https:// or http://"
            ),
            (ClinicProfile(displayName: "Oak", website: "oak.example"), "website must start with https:// or http://"),
            (
                ClinicProfile(displayName: "Oak\u{1}csrf\u{1}"),
                "name may not hold control characters or line breaks (U+0001)"
            ),
            (ClinicProfile(displayName: "Oak\nStreet"), "name may not hold control characters or line breaks (U+000A)"),
            (
                ClinicProfile(displayName: "Oak", address: "1 Oak St\u{0}"),
                "address may not hold control characters (U+0000)"
            ),
            (
                ClinicProfile(displayName: "Oak", summary: "Care\u{85}for kids"),
                "description may not hold control characters (U+0085)"
            ),
        ]
    )
    func invalid(profile: ClinicProfile, message: String) {
        #expect(throws: ProfileError.self) { try profile.validated() }
        do {
            _ = try profile.validated()
        } catch {
            #expect(error.description == message)
        }
    }

    @Test("validation trims fields, drops empty ones and accepts the limits exactly")
    func valid() throws {
        let profile = ClinicProfile(
            displayName: "  oak street \n",
            specialty: "  ",
            summary: String(repeating: "d", count: 499) + "\n" + String(repeating: "d", count: 500),
            website: " HTTPS://oak.example ",
            hours: String(repeating: "h", count: 200)
        )
        let validated = try profile.validated()
        #expect(validated.displayName == "oak street")
        #expect(validated.specialty == nil)
        #expect(validated.website == "HTTPS://oak.example")
        #expect(validated.monogram == "OS")
        #expect(try ClinicProfile(displayName: String(repeating: "a", count: 120)).validated().displayName.count == 120)
    }

    @Test(
        "monograms",
        arguments: [
            ("Oak Street Pediatrics", "OS"),
            ("oak", "O"),
            ("The Oak Clinic", "OC"),
            ("Smith & Jones", "SJ"),
            ("Smith and Jones", "SJ"),
            ("Clínica São José", "CS"),
            ("ßeta Clinic", "SC"),  // "ß".uppercased() is "SS": one letter per initial
            ("ǆemal Care", "ǄC"),
            ("24 Hour Care", "2H"),
            ("Oak-Street", "OS"),
            ("  (Oak) [Street]  ", "OS"),
            ("😀", "?"),
            ("", "?"),
            ("The", "?"),
            ("東京 Clinic", "東C"),
        ]
    )
    func monogram(name: String, expected: String) {
        #expect(ClinicProfile.monogram(for: name) == expected)
        #expect(ClinicProfile(displayName: name).monogram == expected)
        #expect(expected.count <= 2)
    }
}
