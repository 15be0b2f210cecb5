import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SprucePrint
import SpruceStore

/// `GET /workspace/links/{code}/print.pdf?layout=poster|flyer|tent|cards&paper=letter|a4[&headline=…]`: a print
/// document of one of the signed-in member's own links.
///
/// Members of other organizations get the same 404 as an unknown code; visitors who are not logged in go to the
/// login page, as for every member page. Each member may ask for the store's ``Throttles/printsPerMember``
/// documents per window (counted in the database, shared by every instance). PDFs are rendered on ``PrintRenderPool``, off the event loop, and cached by an
/// ETag that digests everything the document shows, so a 304 or a cache hit costs no rendering.
struct PrintController: Sendable {
    static let document = Endpoint(.get, "/workspace/links/{code}/print.pdf")
    /// Bumped when the layouts change, so old ETags stop matching.
    static let renderVersion = "2"
    /// The document depends on who asks (members only): caches may keep it for that user only, and must ask again.
    static let cacheControl = "private, no-cache"

    let store: SpruceStore
    let visitors: Visitors
    let printing: Printing
    let publicURL: String

    /// - Parameter browser: the group of browser pages (session and CSRF middleware).
    func addRoutes(to browser: RouterGroup<SpruceRequestContext>) {
        browser.on(Self.document, use: printDocument)
    }

    /// What the query asks for, each value checked.
    struct Query: Sendable {
        let layout: PrintLayout
        let paper: Paper
        let headline: String

        /// - Throws: a 400 naming `layout`, `paper` or `headline` and the rule.
        init(_ query: String?) throws {
            let form = FormData(query: query)
            guard let layout = PrintLayout(rawValue: form["layout"] ?? "poster") else {
                throw ServerError.invalid("layout", "must be one of: \(PrintLayout.allowed)")
            }
            guard let paper = Paper(rawValue: form["paper"] ?? "letter") else {
                throw ServerError.invalid("paper", "must be one of: \(Paper.allowed)")
            }
            do {
                headline = try PrintRules.headline(form["headline"])
            } catch {
                throw ServerError.invalid("headline", Self.rule(error))
            }
            self.layout = layout
            self.paper = paper
        }

        private static func rule(_ error: PrintError) -> String {
            switch error {
            case .headlineTooLong(_, let limit): "must be at most \(limit) characters"
            case .headlineControlCharacter: "must be one line of text without control characters"
            case .headlineEmpty: "must not be empty"
            default: error.description
            }
        }
    }

    /// A strong ETag over everything the PDF shows.
    static func etag(_ document: PrintDocument, _ content: PrintContent) -> String {
        let identity = [
            renderVersion, document.layout.rawValue, document.paper.rawValue, document.language, content.codeText,
            content.practiceName, content.headline, content.colors.foreground, content.colors.background,
        ].joined(separator: "\u{0}")
        let digest = SHA256.hash(data: Data(identity.utf8)).prefix(16)
        return "\"" + digest.map { String(format: "%02x", $0) }.joined() + "\""
    }

    static func matches(_ ifNoneMatch: String?, _ etag: String) -> Bool {
        guard let ifNoneMatch else { return false }
        return ifNoneMatch.split(separator: ",").contains {
            let candidate = $0.trimmingCharacters(in: .whitespaces)
            return candidate == etag || candidate == "*"
        }
    }
}

extension PrintController {
    func printDocument(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let member = try await visitors.requireMember(context)
        // A malformed code answers exactly like an unknown one.
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        let query = try PrintController.Query(request.uri.query)
        let (link, organization) = try await store.printableLink(code: code, as: Visitor.member(member).identity)
        guard link.status == .active else {
            throw HTTPError(.gone, message: "this link is disabled: it is not printed")
        }
        let document = PrintDocument(layout: query.layout, paper: query.paper)
        let content: PrintContent
        do {
            content = try PrintContent(
                link: link, profile: organization.profile, origin: publicURL, headline: query.headline)
        } catch {
            throw ServerError(.unprocessable(field: "link", rule: error.description))
        }
        let etag = PrintController.etag(document, content)
        var headers: HTTPFields = [.eTag: etag, .cacheControl: PrintController.cacheControl]
        if PrintController.matches(request.headers[.ifNoneMatch], etag) {
            return Response(status: .notModified, headers: headers)
        }
        let body: ByteBuffer
        if let cached = printing.cache.get(etag) {
            body = cached
        } else {
            do {
                body = ByteBuffer(bytes: try await printing.pool.render(document, content))
            } catch let error as PrintError {
                throw ServerError(.unprocessable(field: "layout", rule: error.description))
            }
            printing.cache.put(body, for: etag)
        }
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] =
            "attachment; filename=\"spruce-\(code.rawValue)-\(query.layout.rawValue)-\(query.paper.rawValue).pdf\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }
}
