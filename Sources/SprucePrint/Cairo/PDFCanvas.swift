// The one file that calls cairo: a PDF surface written to memory and the drawing operations the layouts use.
import CCairo

/// A vector PDF being drawn, in points (1/72 inch) with the origin at the top left of each page.
///
/// Not `Sendable`: one canvas is drawn by one thread from creation to ``finish()``.
final class PDFCanvas: RectanglePainting {
    private let sink = PDFSink()
    private let surface: OpaquePointer
    /// The cairo context (`cairo_t *`), handed to the Pango wrapper to lay out and show text.
    let context: OpaquePointer
    private var isFinished = false

    /// - Throws: ``PrintError/renderingFailed(_:)`` with cairo's status text when the surface cannot be made.
    init(width: Double, height: Double) throws(PrintError) {
        let closure = Unmanaged.passUnretained(sink).toOpaque()
        guard let surface = cairo_pdf_surface_create_for_stream(pdfWrite, closure, width, height) else {
            throw .renderingFailed("cairo returned no PDF surface")
        }
        let status = cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else {
            cairo_surface_destroy(surface)
            throw .renderingFailed(Self.text(status))
        }
        guard let context = cairo_create(surface) else {
            cairo_surface_destroy(surface)
            throw .renderingFailed("cairo returned no context")
        }
        self.surface = surface
        self.context = context
    }

    deinit {
        cairo_destroy(context)
        cairo_surface_destroy(surface)
    }

    /// Sets the document information dictionary (title, author, creator).
    func setMetadata(title: String, author: String, creator: String) {
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, title)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_AUTHOR, author)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATOR, creator)
    }

    /// Strokes a straight line; `dash` is the on/off pattern in points, empty for a solid line.
    func line(from start: (x: Double, y: Double), to end: (x: Double, y: Double), width: Double, dash: [Double] = []) {
        cairo_set_line_width(context, width)
        cairo_set_line_cap(context, CAIRO_LINE_CAP_BUTT)
        dash.withUnsafeBufferPointer { pattern in
            cairo_set_dash(context, pattern.baseAddress, Int32(pattern.count), 0)
        }
        cairo_move_to(context, start.x, start.y)
        cairo_line_to(context, end.x, end.y)
        cairo_stroke(context)
        cairo_set_dash(context, nil, 0, 0)
    }

    func moveTo(x: Double, y: Double) {
        cairo_move_to(context, x, y)
    }

    /// Runs `body` with the current transformation turned by 180° about (`centerX`, `centerY`), then restores it.
    func upsideDown(centerX: Double, centerY: Double, _ body: () -> Void) {
        cairo_save(context)
        cairo_translate(context, centerX, centerY)
        cairo_rotate(context, Double.pi)
        cairo_translate(context, -centerX, -centerY)
        body()
        cairo_restore(context)
    }

    /// Marks what `body` draws as a link to `uri`, so PDF readers (and screen readers) can follow it.
    /// `uri` must not contain a single quote; links made by ``PrintContent`` never do.
    func link(to uri: String, _ body: () -> Void) {
        let attributes = "uri='\(uri)'"
        cairo_tag_begin(context, CAIRO_TAG_LINK, attributes)
        body()
        cairo_tag_end(context, CAIRO_TAG_LINK)
    }

    /// Records what `draw` draws on a `width` × `height` area once; ``paint(_:x:y:)`` then places it, and the PDF
    /// holds it once (a form XObject) however often it is painted. Still vector: nothing is rasterized.
    func record(width: Double, height: Double, _ draw: (PDFCanvas.Recorder) -> Void) -> Recording {
        var extents = cairo_rectangle_t(x: 0, y: 0, width: width, height: height)
        let surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents)
        let recorder = Recorder(context: cairo_create(surface))
        draw(recorder)
        cairo_destroy(recorder.context)
        return Recording(surface: surface, width: width, height: height)
    }

    /// Paints a recording with its top left at (`x`, `y`).
    func paint(_ recording: Recording, x: Double, y: Double) {
        cairo_save(context)
        cairo_translate(context, x, y)
        cairo_set_source_surface(context, recording.surface, 0, 0)
        cairo_rectangle(context, 0, 0, recording.width, recording.height)
        cairo_fill(context)
        cairo_restore(context)
    }

    /// Rectangles in flat colors on a recording surface.
    struct Recorder: RectanglePainting {
        fileprivate let context: OpaquePointer?

        var paintedContext: OpaquePointer? { context }
    }

    /// A drawing recorded once, to paint at several places.
    final class Recording {
        fileprivate let surface: OpaquePointer?
        let width: Double
        let height: Double

        fileprivate init(surface: OpaquePointer?, width: Double, height: Double) {
            self.surface = surface
            self.width = width
            self.height = height
        }

        deinit { cairo_surface_destroy(surface) }
    }

    /// Ends the page and starts the next.
    func showPage() {
        cairo_show_page(context)
    }

    /// Finishes the document and returns its bytes.
    /// - Throws: ``PrintError/renderingFailed(_:)`` when cairo reports an error at any point of the drawing.
    func finish() throws(PrintError) -> [UInt8] {
        guard !isFinished else { throw .renderingFailed("the PDF was already finished") }
        isFinished = true
        let drawing = cairo_status(context)
        cairo_surface_finish(surface)
        let status = drawing != CAIRO_STATUS_SUCCESS ? drawing : cairo_surface_status(surface)
        guard status == CAIRO_STATUS_SUCCESS else { throw .renderingFailed(Self.text(status)) }
        return sink.bytes
    }

    private static func text(_ status: cairo_status_t) -> String {
        guard let message = cairo_status_to_string(status) else { return "cairo status \(status.rawValue)" }
        return String(cString: message)
    }
}

/// The bytes cairo has written so far; the write callback appends here.
private final class PDFSink {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(64 * 1024) }
}

/// cairo's write callback: appends to the canvas's sink.
private func pdfWrite(
    _ closure: UnsafeMutableRawPointer?,
    _ data: UnsafePointer<UInt8>?,
    _ length: UInt32
) -> cairo_status_t {
    guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<PDFSink>.fromOpaque(closure).takeUnretainedValue()
    sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
    return CAIRO_STATUS_SUCCESS
}

/// Flat-colored rectangles on a cairo context: what a page and a recording of a code both draw with.
protocol RectanglePainting {
    var paintedContext: OpaquePointer? { get }
}

extension PDFCanvas {
    var paintedContext: OpaquePointer? { context }
}

extension RectanglePainting {
    func setColor(_ color: PrintColor) {
        cairo_set_source_rgb(paintedContext, color.red, color.green, color.blue)
    }

    /// Adds a rectangle to the current path.
    func addRectangle(x: Double, y: Double, width: Double, height: Double) {
        cairo_rectangle(paintedContext, x, y, width, height)
    }

    /// Fills the current path (non-zero winding, so touching rectangles merge without seams) and clears it.
    func fill() {
        cairo_set_fill_rule(paintedContext, CAIRO_FILL_RULE_WINDING)
        cairo_fill(paintedContext)
    }
}
