import SpruceCore

extension WorkspaceController {
    /// The rows of the links table as HTML, for the template's `{{{linkRows}}}`, every value escaped. Written here
    /// rather than through a template section, which costs a dynamic lookup and an escape per field and made the
    /// rows most of the links page's CPU time.
    func linkRows(_ links: [PracticeLink]) -> String {
        var html = ""
        html.reserveCapacity(links.count * 640)
        for link in links {
            let code = link.code.rawValue.htmlEscaped
            let url = linkURL(link.code).htmlEscaped
            html += "<tr>\n<td data-label=\"Link\"><a href=\"/workspace/links/\(code)\">\(url)</a>"
            if link.isPrimary { html += " <span class=\"tag\">primary</span>" }
            html += "</td>\n<td data-label=\"Label\">\(link.label.htmlEscaped)</td>\n<td data-label=\"Tags\">"
            for tag in link.tags { html += "<span class=\"tag\">\(tag.rawValue.htmlEscaped)</span> " }
            html += "</td>\n<td data-label=\"State\">\(link.status == .active ? "Active" : "Disabled")</td>\n"
            html += "<td data-label=\"Created\">\(Self.shortDate(link.createdAt).htmlEscaped)</td>\n"
            html += "<td data-label=\"Code\"><img class=\"qr-thumb\" src=\"/workspace/links/\(code)/qr.svg?inline=1\""
            html += " width=\"64\" height=\"64\" alt=\"QR code of \(url)\"></td>\n</tr>\n"
        }
        return html
    }
}
