import Testing

@testable import SpruceServer

@Suite("Funnel traits of a request")
struct FunnelTraitsTests {
    typealias Fields = [(name: String, value: String)]

    static let browser = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)"

    /// A request's fields, and whether `matches` may call them the same as the reference's (a browser's GET).
    static let cases: [(String, Fields, String, String, Bool)] = [
        ("same browser", [("Host", "x"), ("User-Agent", browser)], "GET", "10.0.0.1", true),
        ("name in another case", [("user-agent", browser), ("HOST", "x")], "GET", "10.0.0.1", true),
        ("another agent", [("User-Agent", browser + "!")], "GET", "10.0.0.1", false),
        ("no agent", [("Host", "x")], "GET", "10.0.0.1", false),
        ("agent twice", [("User-Agent", browser), ("User-Agent", browser)], "GET", "10.0.0.1", false),
        ("a prefetch", [("User-Agent", browser), ("Sec-Purpose", "prefetch")], "GET", "10.0.0.1", false),
        ("an old prefetch", [("User-Agent", browser), ("Purpose", "prefetch")], "GET", "10.0.0.1", false),
        ("another client", [("User-Agent", browser)], "GET", "10.0.0.2", false),
        ("a HEAD", [("User-Agent", browser)], "HEAD", "10.0.0.1", false),
    ]

    @Test("matches says yes exactly when building the traits would give the same ones", arguments: cases)
    func matchesAgreesWithBuilding(_ name: String, fields: Fields, method: String, address: String, same: Bool) {
        let reference = FunnelRecorder.Traits(
            method: "GET", fields: [("User-Agent", Self.browser)] as Fields, address: "10.0.0.1")
        #expect(reference.matches(method: method, fields: fields, address: address) == same, "\(name)")
        let built = FunnelRecorder.Traits(method: method, fields: fields, address: address)
        if same { #expect(built == reference, "\(name)") }
        let repeated = Dictionary(grouping: fields.map { $0.name.lowercased() }, by: { $0 }).values.contains {
            $0.count > 1
        }
        if !repeated { #expect((built == reference) == same, "\(name): building agrees") }
    }

    @Test("a prefetch's traits match the same prefetch, with all three fields in any order")
    func allThreeFields() {
        let fields: Fields = [("Purpose", "prefetch"), ("User-Agent", "bot"), ("Sec-Purpose", "prefetch;prerender")]
        let traits = FunnelRecorder.Traits(method: "GET", fields: fields, address: "::1")
        #expect(traits.matches(method: "GET", fields: fields.reversed(), address: "::1"))
        #expect(!traits.matches(method: "GET", fields: Array(fields.dropFirst()), address: "::1"))
    }
}
