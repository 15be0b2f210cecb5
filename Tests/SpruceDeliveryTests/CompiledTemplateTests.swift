import Foundation
import SpruceDelivery
import Testing

@testable import SpruceCore

/// Invitation templates render through their compiled form (fixed text between values) with exactly Mustache's
/// output, and fall back to Mustache where the output depends on a value other than by inserting it.
@Suite("Compiled invitation templates")
struct CompiledTemplateTests {
    static let valueSets: [[String: String]] = [
        ["practice": "Oak Street Pediatrics", "link": "https://spruce.care/i/ABC", "expires": "April 3, 2026"],
        [
            "practice": "Élan <Pédiatrie> & \"Family\" 'Care'", "link": "https://spruce.care/i/X?a=1&b=<2>",
            "expires": "May 1, 2026", "name": "Zoë O'Brien <zoe@example.com>", "connectCode": "K7QX-M4PT",
            "message": "Bring your card & arrive 10 min early.\nThanks!",
        ],
        [
            "practice": "诊所 👩‍⚕️", "link": "https://spruce.care/i/Q", "expires": "June 9, 2026",
            "name": "<\u{301}e\u{301}&\u{0327}", "message": "\u{E000}0q<Z\u{E001} is text too",
        ],
        ["practice": "Oak", "link": "https://spruce.care/i/R", "expires": "July 4, 2026", "name": ""],
    ]

    @Test("every bundled template gives Mustache's output, with and without the optional values", arguments: 0..<4)
    func bundled(set: Int) throws {
        let templates = try InvitationTemplates.load()
        for name in InvitationTemplates.Name.allCases {
            let values = Self.valueSets[set]
            // Twice: the first call compiles the shape, the second uses it.
            #expect(templates.render(name, values) == templates.renderWithMustache(name, values), "\(name)")
            #expect(templates.render(name, values) == templates.renderWithMustache(name, values), "\(name)")
        }
    }

    @Test(
        "templates whose output is not the values inserted as they are still render as Mustache does",
        arguments: [
            "{{uppercased(name)}} {{practice}}", "{{lowercased(name)}}", "{{#name}}[{{.}}]{{/name}}",
            "{{{name}}} and {{name}}", "{{& name}}", "{{reversed(name)}}", "{{^name}}none{{/name}}{{name}}",
            "{{#practice}}{{#name}}{{name}}{{/name}}{{/practice}}", "literal \u{E000} and \u{E001} {{name}}",
            "{{name}}{{practice}}{{name}}",
        ])
    func fallbacks(template: String) throws {
        for name in [InvitationTemplates.Name.emailHTML, .emailText] {
            var sources: [InvitationTemplates.Name: InvitationTemplates.Source] = [:]
            for other in InvitationTemplates.Name.allCases {
                sources[other] = InvitationTemplates.Source(text: other == name ? template : "x", origin: "test")
            }
            let templates = try InvitationTemplates(sources: sources)
            for values in [
                ["name": "Ana Lee", "practice": "Oak"], ["name": "bo <b>", "practice": "Élan & Co"],
                ["name": "ZOË", "practice": "P"],
            ] {
                #expect(templates.render(name, values) == templates.renderWithMustache(name, values), "\(template)")
            }
        }
    }
}
