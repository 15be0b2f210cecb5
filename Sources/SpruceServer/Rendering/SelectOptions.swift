/// The `<option>` elements of a `<select>` as HTML, values and texts escaped, for a template's `{{{options}}}`.
/// Long lists (a practice's links) are written here rather than through a template section, which costs a dynamic
/// lookup and an escape per field and made those lists most of a workspace page's CPU time.
struct SelectOptions: Sendable {
    struct Option: Sendable {
        let value: String
        let text: String
        let selected: Bool
    }

    let html: String

    init(_ options: [Option]) {
        var html = ""
        html.reserveCapacity(options.count * 64)
        for option in options {
            html += "<option value=\""
            html += option.value.htmlEscaped
            html += option.selected ? "\" selected>" : "\">"
            html += option.text.htmlEscaped
            html += "</option>"
        }
        self.html = html
    }
}
