import Synchronization

/// A Mustache template's output for one shape of values (which keys are present, every value non-empty) as fixed
/// text between the values, so that a batch renders each message by joining strings instead of walking the
/// template: the same output, at a fraction of the cost.
///
/// It is worked out by rendering the template twice with marker values of different lengths and reading back
/// where each marker landed and whether it was HTML-escaped. A template whose output depends on a value other than
/// by inserting it (a transform such as `uppercased`, a section iterating over it) gives different fixed text in
/// the two renders, or mangled markers, and has no compiled form: it keeps being rendered by Mustache.
struct CompiledTemplate: Sendable {
    enum Piece: Sendable, Equatable {
        case text(String)
        /// The value of `key`, HTML-escaped or as it is.
        case value(key: String, escaped: Bool)
    }

    let pieces: [Piece]

    /// The compiled form of `render` for values with exactly `keys`, or `nil` when the output is not fixed text
    /// between the values.
    init?(keys: [String], render: ([String: String]) -> String) {
        let first = Self.markers(keys, core: "q<Z")
        let second = Self.markers(keys, core: "bb<YY")
        guard let pieces = Self.pieces(of: render(first), keys: keys, core: "q<Z"),
            pieces == Self.pieces(of: render(second), keys: keys, core: "bb<YY")
        else { return nil }
        self.pieces = pieces
    }

    /// The output for `values` (which must have the keys this was compiled for).
    func render(_ values: [String: String]) -> String {
        var output = ""
        for piece in pieces {
            switch piece {
            case .text(let text): output += text
            case .value(let key, let escaped):
                let value = values[key] ?? ""
                output += escaped ? Self.htmlEscape(value) : value
            }
        }
        return output
    }

    private static let open: Character = "\u{E000}"
    private static let close: Character = "\u{E001}"

    /// Marker values: private-use delimiters around the key's index and `core`, whose `<` shows escaping and whose
    /// mixed case shows case transforms.
    private static func markers(_ keys: [String], core: String) -> [String: String] {
        var values: [String: String] = [:]
        for (index, key) in keys.enumerated() { values[key] = "\(open)\(index)\(core)\(close)" }
        return values
    }

    /// The output split at the markers; `nil` when a marker is mangled or a delimiter is left over.
    private static func pieces(of output: String, keys: [String], core: String) -> [Piece]? {
        let escapedCore = htmlEscape(core)
        var pieces: [Piece] = []
        var rest = Substring(output)
        while let start = rest.firstIndex(of: open) {
            if start > rest.startIndex { pieces.append(.text(String(rest[..<start]))) }
            rest = rest[rest.index(after: start)...]
            guard let end = rest.firstIndex(of: close) else { return nil }
            let marker = rest[..<end]
            rest = rest[rest.index(after: end)...]
            let digits = marker.prefix { $0.isASCII && $0.isNumber }
            guard let index = Int(digits), keys.indices.contains(index) else { return nil }
            switch marker.dropFirst(digits.count) {
            case Substring(core): pieces.append(.value(key: keys[index], escaped: false))
            case Substring(escapedCore): pieces.append(.value(key: keys[index], escaped: true))
            default: return nil
            }
        }
        if rest.contains(close) { return nil }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        return pieces
    }

    /// Mustache's HTML escaping (swift-mustache's `htmlEscape`): these five characters, whole characters only.
    static func htmlEscape(_ text: String) -> String {
        guard text.utf8.contains(where: { [0x3C, 0x3E, 0x26, 0x22, 0x27].contains($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count + 16)
        for character in text {
            switch character {
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}

/// The compiled forms of a set of templates, by template and shape of values, worked out on first use.
final class CompiledTemplates: Sendable {
    private let forms = Mutex<[String: CompiledTemplate?]>([:])

    /// The compiled form of template `name` for `values`, or `nil` (render with Mustache) when a value is empty or
    /// the template has no compiled form for this shape.
    func form(
        _ name: String,
        for values: [String: String],
        render: ([String: String]) -> String
    ) -> CompiledTemplate? {
        guard !values.values.contains(where: \.isEmpty) else { return nil }
        let keys = values.keys.sorted()
        let shape = name + "\u{0}" + keys.joined(separator: "\u{0}")
        if let known = forms.withLock({ $0[shape] }) { return known }
        let form = CompiledTemplate(keys: keys, render: render)
        forms.withLock { $0[shape] = .some(form) }
        return form
    }
}
