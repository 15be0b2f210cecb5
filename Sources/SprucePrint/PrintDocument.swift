import SpruceCore
import SpruceQR

/// A print layout on a paper size, rendered as vector PDF: one sheet per link.
///
/// ```swift
/// let content = try PrintContent(practiceName: "Élan Pédiatrie", url: "https://spruce.care/elan-pediatrie")
/// let document = PrintDocument(layout: .cards, paper: .a4)
/// let pdf = try document.render(content)                  // [UInt8], ten cards on one A4 sheet
/// try document.write([content], to: "cards.pdf")          // atomic: temporary file + rename
/// ```
///
/// Every code is checked against ``PrintRules`` before anything is drawn, so a link whose code would be too dense
/// for the layout is refused with ``PrintError/codeTooDense`` instead of printed.
public struct PrintDocument: Sendable, Hashable {
    public var layout: PrintLayout
    public var paper: Paper
    /// The document's language (BCP 47), for screen readers: the language of the printed instructions.
    public var language: String
    /// How the URLs are encoded; level M and the smallest version by default.
    public var encoding: QRCode.Options

    public init(
        layout: PrintLayout, paper: Paper, language: String = "en", encoding: QRCode.Options = QRCode.Options()
    ) {
        self.layout = layout
        self.paper = paper
        self.language = language
        self.encoding = encoding
    }

    /// The PDF of one link.
    /// - Throws: ``PrintError`` when the code breaks ``PrintRules`` for the layout, or cairo fails.
    public func render(_ content: PrintContent) throws(PrintError) -> [UInt8] {
        try render([content])
    }

    /// One PDF with a sheet per link, in order. Its title and author name the first link's practice.
    /// - Throws: ``PrintError`` when any code breaks ``PrintRules`` (nothing is rendered then), or cairo fails.
    public func render(_ contents: [PrintContent]) throws(PrintError) -> [UInt8] {
        guard let first = contents.first else { throw .noContent }
        guard PDFLanguage.isValidTag(language) else { throw .invalidLanguage(language) }
        let placed = try contents.map { content throws(PrintError) in try place(content) }
        let (width, height) = paper.size
        let canvas = try PDFCanvas(width: width, height: height)
        canvas.setMetadata(
            title: "\(first.practiceName): \(layout.title) (\(first.displayURL))", author: first.practiceName,
            creator: "SpruceLink")
        let composer = SheetComposer(canvas: canvas, paper: paper)
        for (index, sheet) in placed.enumerated() {
            if index > 0 { canvas.showPage() }
            composer.drawSheet(layout, sheet)
        }
        return try PDFLanguage.setting(language, in: try canvas.finish())
    }

    /// Renders and writes the PDF to `path` through a temporary file and a rename, so a failure leaves no file.
    /// - Throws: ``PrintError``; ``PrintError/writeFailed(path:reason:)`` when the file cannot be written.
    public func write(_ contents: [PrintContent], to path: String) throws(PrintError) {
        let bytes = try render(contents)
        do {
            try AtomicFile.write(bytes, to: path)
        } catch {
            if case .writeFailed(_, let reason) = error { throw .writeFailed(path: path, reason: reason) }
            throw .writeFailed(path: path, reason: error.description)
        }
    }

    /// Whether `tag` is accepted as ``language``: a BCP 47 tag such as `en` or `fr-CA`.
    public static func isLanguageTag(_ tag: String) -> Bool { PDFLanguage.isValidTag(tag) }

    /// Checks that `content`'s code keeps ``PrintRules`` in this layout, without rendering anything.
    /// - Returns: the module size in millimetres.
    @discardableResult
    public func check(_ content: PrintContent) throws(PrintError) -> Double {
        try PrintRules.moduleSize(of: try encode(content), in: layout)
    }

    private func encode(_ content: PrintContent) throws(PrintError) -> QRCode {
        do {
            return try QRCode(text: content.codeText, options: encoding)
        } catch {
            throw .encodingFailed(error.description)
        }
    }

    private func place(_ content: PrintContent) throws(PrintError) -> PlacedCode {
        let code = try encode(content)
        _ = try PrintRules.moduleSize(of: code, in: layout)
        let foreground: RGBAColor
        let background: RGBAColor
        do {
            foreground = try RGBAColor(hex: content.colors.foreground)
            background = try RGBAColor(hex: content.colors.background)
        } catch {
            throw .renderingFailed("QR colors: \(error.description)")
        }
        return PlacedCode(
            content: content, code: code, foreground: PrintColor(foreground), background: PrintColor(background))
    }
}
