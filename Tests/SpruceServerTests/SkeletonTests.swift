import NIOCore
import Testing

@testable import SpruceServer

@Suite("Skeletons: text rendered once with markers, filled per request")
struct SkeletonTests {
    @Test(
        "every marker is replaced by its slot's value, as often as it appears",
        arguments: [
            (
                "<a href=\"/\(Skeleton.marker("code"))\">\(Skeleton.marker("code"))</a><input value=\"\(Skeleton.marker("csrf"))\">",
                "<a href=\"/4827163\">4827163</a><input value=\"tok-en\">"
            ),
            ("no markers at all", "no markers at all"),
            ("\(Skeleton.marker("csrf"))\(Skeleton.marker("code"))", "tok-en4827163"),
            ("", ""),
        ])
    func fills(template: String, expected: String) throws {
        let skeleton = try #require(Skeleton(template, slots: ["code", "csrf"]))
        #expect(String(buffer: skeleton.filled(["4827163", "tok-en"])) == expected)
    }

    @Test(
        "text with a stray marker character or an unknown slot makes no skeleton",
        arguments: [
            "Oak \u{1}Street", "\u{1}code", "\u{1}other\u{1}", "a\u{1}\u{1}b",
        ])
    func refusesStrayMarkers(text: String) {
        #expect(Skeleton(text, slots: ["code", "csrf"]) == nil)
    }
}
