import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import NIOCore
import SpruceCore

/// Turns values into HTML responses: the templates, the header every page shares (title, the logged-in visitor,
/// the logout form's CSRF token), message pages and redirects. It decides nothing.
struct PageRenderer: Sendable {
    let templates: MustacheLibrary
    let csrf: CSRFTokens

    /// The values every page's header needs: title, the logged-in user and the CSRF token of the logout form.
    func pageValues(_ title: String, context: SpruceRequestContext, visitor: Visitor? = nil) -> [String: Any] {
        pageValues(title, csrf: csrfToken(context), visitor: visitor)
    }

    func pageValues(_ title: String, csrf: String, visitor: Visitor?) -> [String: Any] {
        var values: [String: Any] = ["title": title, "csrf": csrf]
        switch visitor {
        case .member(let member):
            values["user"] = ["name": member.name, "isMember": true, "csrf": csrf] as [String: Any]
        case .patient(let patient):
            values["user"] = ["name": patient.name, "isPatient": true, "csrf": csrf] as [String: Any]
        case .anonymous, nil:
            break
        }
        return values
    }

    func csrfToken(_ context: SpruceRequestContext) -> String {
        csrf.token(for: context.csrfBinding ?? "")
    }

    /// Renders a template into an HTML response.
    func page(
        _ template: String,
        _ values: [String: Any],
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:]
    ) -> Response {
        let html = render(template, values)
        var fields = headers
        fields[.contentType] = "text/html; charset=utf-8"
        if fields[.cacheControl] == nil { fields[.cacheControl] = "no-store" }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A template's text with `values`.
    func render(_ template: String, _ values: [String: Any]) -> String {
        templates.render(values, withTemplate: template)
            ?? "<!doctype html><title>Spruce</title><p>Page unavailable.</p>"
    }

    /// A page with a heading, a sentence and an optional link: notices, 404, 410, 403, 429.
    func messagePage(
        status: HTTPResponse.Status,
        heading: String,
        text: String,
        link: (href: String, text: String)? = nil,
        context: SpruceRequestContext,
        visitor: Visitor? = nil,
        headers: HTTPFields = [:]
    ) -> Response {
        var values = pageValues(heading, context: context, visitor: visitor)
        values["heading"] = heading
        values["text"] = text
        if let link {
            values["linkHref"] = link.href
            values["linkText"] = link.text
        }
        return page("message", values, status: status, headers: headers)
    }

    /// The 404 or 410 page of a link that does not lead anywhere, with the resolution's message.
    func unavailablePage(_ resolution: Resolution, context: SpruceRequestContext) -> Response {
        let status: HTTPResponse.Status = resolution.httpStatus == 404 ? .notFound : .gone
        let heading = resolution.httpStatus == 404 ? "Link not found" : "Link no longer active"
        return messagePage(
            status: status, heading: heading, text: resolution.message, link: ("/", "Spruce home"), context: context)
    }

    /// A 303 See Other to a path on this site.
    func redirect(_ path: String, headers: HTTPFields = [:]) -> Response {
        var fields = headers
        fields[.location] = path
        fields[.cacheControl] = "no-store"
        return Response(status: .seeOther, headers: fields)
    }
}
