import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SpruceCore
import SpruceQR
import SpruceStore

/// The download sizes of a link's PNG: for a screen, or for print at 300 DPI, written into the file (pHYs).
enum DownloadSize: String, CaseIterable, Sendable {
    case screen, print, poster

    /// Pixels per inch written into the PNG.
    var dpi: Int { self == .screen ? 96 : 300 }
    /// The printed width aimed at, in inches (screen: about 300 px).
    var inches: Double {
        switch self {
        case .screen: 3.125
        case .print: 2
        case .poster: 6
        }
    }

    /// Pixels per module for a code `modules` wide (quiet zone included).
    func scale(modules: Int) -> Int { max(1, Int((inches * Double(dpi)) / Double(modules))) }

    /// What the download link says: pixels, inches and DPI.
    func caption(modules: Int) -> String {
        let pixels = scale(modules: modules) * modules
        let inches = Double(pixels) / Double(dpi)
        let name = self == .screen ? "Screen" : self == .print ? "Print" : "Poster"
        return "\(name): \(pixels) × \(pixels) px, \(String(format: "%.1f", inches)) in at \(dpi) DPI"
    }
}

extension WorkspaceController {
    static let quietZone = 4

    func linkURL(_ code: LinkCode) -> String { publicURL + "/" + code.rawValue }

    func code(_ context: SpruceRequestContext) throws -> LinkCode {
        guard let code = try? LinkCode(context.parameters.get("code") ?? "") else { throw StoreError.linkNotFound }
        return code
    }

    func linkValues(_ link: PracticeLink) -> [String: Any] {
        [
            "code": link.code.rawValue, "url": linkURL(link.code), "label": link.label,
            "tags": link.tags.map(\.rawValue), "isPrimary": link.isPrimary, "isActive": link.status == .active,
            "status": link.status == .active ? "Active" : "Disabled", "created": Self.shortDate(link.createdAt),
        ]
    }

    /// `GET /workspace/links`: the organization's links, by cursor; admins also get the mint form.
    func linksPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        return try await renderLinks(
            desk: desk, form: [:], errors: [:], status: .ok, request: request, context: context)
    }

    func renderLinks(
        desk: Desk, form: [String: String], errors: [String: String], status: HTTPResponse.Status, request: Request,
        context: SpruceRequestContext
    ) async throws -> Response {
        let query = FormData(query: request.uri.query)
        let cursor = query.text("after").flatMap { Int64($0) }
        let page = try await store.linkPage(in: desk.scope, after: cursor, limit: Self.pageSize)
        var values = values("Links", tab: "links", desk: desk, context: context)
        values["linkRows"] = linkRows(page.links)
        values["hasLinks"] = !page.links.isEmpty
        if let next = page.nextCursor { values["nextHref"] = "/workspace/links?after=\(next)" }
        if cursor != nil { values["firstHref"] = "/workspace/links" }
        let suggestion = VanitySlug.make(from: desk.organization.profile.displayName) ?? ""
        values["form"] = [
            "label": form["label"] ?? "", "tags": form["tags"] ?? "", "vanity": form["vanity"] ?? suggestion,
            "isVanity": form["kind"] == "vanity",
        ]
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["notice"] = Self.notice(query)
        return pages.page("workspace-links", values, status: status)
    }

    static func notice(_ query: FormData) -> String? {
        switch query["notice"] {
        case "minted": "Link created."
        case "disabled": "Link disabled. Its code stays reserved and will never lead to another practice."
        case "colors": "QR colors saved."
        case "revoked": "Invitation revoked."
        case "invited": "Invitation sent."
        case "resent": "Invitation sent again with a new link; the old link no longer works."
        case "profile": "Profile saved. The public page shows it now, and within seconds on every other server."
        case "role": "Role changed."
        case "invited-member": "Invitation sent: the link to set a password works once, for 7 days."
        case "removed": "Member removed; their sessions have ended."
        case "member-invitation-revoked": "Invitation to the team revoked: its link no longer works."
        case "member-invitation-resent":
            "Invitation to the team sent again with a new link; the old link no longer works."
        case "key-revoked": "API key revoked."
        default: nil
        }
    }

    /// `POST /workspace/links`: mints a numeric or vanity link (admins; the store refuses staff).
    func mintLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let form = context.form
        let kept = [
            "label": form["label"] ?? "", "tags": form["tags"] ?? "", "vanity": form["vanity"] ?? "",
            "kind": form["kind"] ?? "numeric",
        ]
        do {
            var tags: [ConversationTag] = []
            for text in (form["tags"] ?? "").split(separator: ",") {
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if !trimmed.isEmpty { tags.append(try ConversationTag(trimmed)) }
            }
            let kind: MintRequest.Kind
            if form["kind"] == "vanity" {
                let text = (form["vanity"] ?? "").trimmingCharacters(in: .whitespaces)
                guard !text.isEmpty else { throw ServerError(.unprocessable(field: "code", rule: "is required")) }
                kind = .chosen(try LinkCode(text))
            } else {
                kind = .numeric(length: LinkCode.defaultNumericLength)
            }
            let label = (form["label"] ?? "").trimmingCharacters(in: .whitespaces)
            let minted = try await store.mint(
                MintRequest(organizationID: desk.organization.id, kind: kind, label: label, tags: tags),
                in: desk.scope)
            guard let link = minted.links.first else { throw StoreError.linkNotFound }
            return pages.redirect("/workspace/links/\(link.code.rawValue)?notice=minted")
        } catch {
            guard let (field, sentence, status) = Self.fieldError(error) else { throw error }
            let name = field == "code" ? "vanity" : field
            return try await renderLinks(
                desk: desk, form: kept, errors: [name: sentence], status: status, request: request, context: context)
        }
    }

    /// `GET /workspace/links/{code}`: one link with its QR preview, downloads, print, colors and disable.
    func linkPage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let (link, _) = try await store.workspaceLink(code: try code(context), in: desk.scope)
        return try renderLink(
            link, desk: desk, colors: nil, errors: [:], status: .ok,
            notice: Self.notice(
                FormData(query: request.uri.query)), context: context)
    }

    func renderLink(
        _ link: PracticeLink, desk: Desk, colors: (foreground: String, background: String, preview: Bool)?,
        errors: [String: String], status: HTTPResponse.Status, notice: String?, context: SpruceRequestContext
    ) throws -> Response {
        var values = values(
            link.label.isEmpty ? link.code.rawValue : link.label, tab: "links", desk: desk,
            context: context)
        values["link"] = linkValues(link)
        let modules = try QRCode(text: linkURL(link.code)).width + 2 * Self.quietZone
        let base = "/workspace/links/\(link.code.rawValue)"
        values["downloads"] = DownloadSize.allCases.map {
            ["href": "\(base)/qr.png?size=\($0.rawValue)", "caption": $0.caption(modules: modules)]
        }
        values["svgHref"] = "\(base)/qr.svg"
        values["printHref"] = "\(base)/print.pdf"
        values["previewSrc"] = "\(base)/qr.png?size=screen"
        let foreground = colors?.foreground ?? link.qrColors.foreground
        let background = colors?.background ?? link.qrColors.background
        values["colors"] = ["foreground": foreground, "background": background]
        if colors?.preview == true, errors.isEmpty {
            values["colorPreviewSrc"] =
                "\(base)/qr.png?size=screen&fg=\(Self.percent(foreground))&bg=\(Self.percent(background))"
        }
        values["errors"] = errors
        values["hasErrors"] = !errors.isEmpty
        values["notice"] = notice
        return pages.page("workspace-link", values, status: status)
    }

    static func percent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }

    /// `GET /workspace/links/{code}/qr.png?size=screen|print|poster` and `qr.svg`: a download of the link's code in
    /// its colors (or, for the colors form's preview, the colors asked for: members only, same URL encoded).
    func download(_ request: Request, _ context: SpruceRequestContext, format: QRImages.Format) async throws
        -> Response
    {
        let desk = try await desk(context)
        let (link, _) = try await store.workspaceLink(code: try code(context), in: desk.scope)
        let query = FormData(query: request.uri.query)
        guard let size = DownloadSize(rawValue: query["size"] ?? "screen") else {
            throw ServerError.invalid("size", "must be one of: screen, print, poster")
        }
        var colors = link.qrColors
        if let foreground = query["fg"], let background = query["bg"] {
            colors = try QRColors(foreground: foreground, background: background)
        }
        let qr = try QRCode(text: linkURL(link.code))
        let modules = qr.width + 2 * Self.quietZone
        let options = RenderOptions(
            scale: format == .png ? size.scale(modules: modules) : 8, margin: Self.quietZone,
            foreground: try RGBAColor(hex: colors.foreground), background: try RGBAColor(hex: colors.background))
        let bytes: [UInt8]
        let name: String
        switch format {
        case .png:
            bytes = try PNGRenderer(options: options, dpi: size.dpi, compression: .smallest).render(qr)
            name = "spruce-\(link.code.rawValue)-\(size.rawValue)-\(size.dpi)dpi.png"
        case .svg:
            bytes = Array(try SVGRenderer(options: options).render(qr).utf8)
            name = "spruce-\(link.code.rawValue).svg"
        }
        let disposition = query["inline"] == "1" || query["fg"] != nil ? "inline" : "attachment"
        return Response(
            status: .ok,
            headers: [
                .contentType: format.contentType, .cacheControl: "private, no-cache",
                .contentDisposition: "\(disposition); filename=\"\(name)\"",
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// `GET /workspace/links/{code}/disable`: the confirmation step, naming what stops working.
    func confirmDisablePage(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        try desk.scope.requireAdmin("disable links")
        let (link, pending) = try await store.workspaceLink(code: try code(context), in: desk.scope)
        var values = values("Disable \(link.code.rawValue)?", tab: "links", desk: desk, context: context)
        values["link"] = linkValues(link)
        values["pending"] = pending
        values["hasPending"] = pending > 0
        return pages.page("workspace-disable", values)
    }

    /// `POST /workspace/links/{code}/disable`: disables the link for good (admins).
    func disableLink(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        let code = try code(context)
        try await store.disableLink(code: code, in: desk.scope)
        directory.forget(code)
        return pages.redirect("/workspace/links/\(code.rawValue)?notice=disabled")
    }

    /// `POST /workspace/links/{code}/colors`: previews (`preview=1`) or saves the code's colors (admins).
    func setColors(_ request: Request, context: SpruceRequestContext) async throws -> Response {
        let desk = try await desk(context)
        try desk.scope.requireAdmin("change QR colors")
        let code = try code(context)
        let (link, _) = try await store.workspaceLink(code: code, in: desk.scope)
        let foreground = (context.form["foreground"] ?? "").trimmingCharacters(in: .whitespaces)
        let background = (context.form["background"] ?? "").trimmingCharacters(in: .whitespaces)
        let preview = context.form["preview"] != nil
        do {
            let colors = try QRColors(foreground: foreground, background: background)
            if preview {
                return try renderLink(
                    link, desk: desk, colors: (colors.foreground, colors.background, true), errors: [:], status: .ok,
                    notice: "Preview: not saved yet.", context: context)
            }
            try await store.setQRColors(colors, code: code, in: desk.scope)
            directory.forget(code)
            return pages.redirect("/workspace/links/\(code.rawValue)?notice=colors")
        } catch let error as QRColorError {
            return try renderLink(
                link, desk: desk, colors: (foreground, background, false),
                errors: [error.field: ErrorMiddleware.sentence(error.description)], status: .unprocessableContent,
                notice: nil, context: context)
        }
    }
}
