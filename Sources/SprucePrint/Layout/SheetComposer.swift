import SpruceCore
import SpruceQR

/// One link's code, checked against ``PrintRules`` for a layout before anything is drawn.
struct PlacedCode {
    let content: PrintContent
    let code: QRCode
    let foreground: PrintColor
    let background: PrintColor
}

/// Draws sheets on a canvas: the parts every layout shares (code, text, marks) here, each layout in an extension.
struct SheetComposer {
    let canvas: PDFCanvas
    let paper: Paper
    /// Paragraphs already fitted, by text, style and box size: the ten cards of a sheet (and the faces of flyers
    /// and tents) lay out each paragraph once and show it at each place.
    private let fitted = FittedText()

    init(canvas: PDFCanvas, paper: Paper) {
        self.canvas = canvas
        self.paper = paper
    }

    var pageWidth: Double { paper.size.width }
    var pageHeight: Double { paper.size.height }

    /// Draws one sheet of `layout` for `placed`.
    func drawSheet(_ layout: PrintLayout, _ placed: PlacedCode) {
        switch layout {
        case .poster: drawPoster(placed)
        case .flyer: drawFlyers(placed)
        case .tent: drawTent(placed)
        case .cards: drawCards(placed)
        }
    }

    // MARK: - The code

    /// The code as a square of `side` points, recorded once per sheet: the background color over the whole
    /// square (the quiet zone included), then the dark modules as rectangles (runs along each row, merged with the
    /// same run on the rows below) filled in one path.
    func recordCode(_ placed: PlacedCode, side: Double) -> PDFCanvas.Recording {
        let code = placed.code
        let quiet = Double(PrintRules.quietZoneModules)
        let module = side / (Double(code.width) + 2 * quiet)
        return canvas.record(width: side, height: side) { recorder in
            recorder.setColor(placed.background)
            recorder.addRectangle(x: 0, y: 0, width: side, height: side)
            recorder.fill()
            recorder.setColor(placed.foreground)
            for block in CodeBlocks(code) {
                recorder.addRectangle(
                    x: (quiet + Double(block.column)) * module, y: (quiet + Double(block.row)) * module,
                    width: Double(block.width) * module, height: Double(block.height) * module)
            }
            recorder.fill()
        }
    }

    /// Paints a recorded code at (`x`, `y`), linked to the URL.
    func drawCode(_ recording: PDFCanvas.Recording, _ placed: PlacedCode, x: Double, y: Double) {
        canvas.link(to: placed.content.url) { canvas.paint(recording, x: x, y: y) }
    }

    /// The URL under a code: one line centered on `centerX`, moved sideways to stay inside `bounds`, shrunk (and
    /// only past its smallest size wrapped) to fit. Linked to the URL. Returns the height used.
    @discardableResult
    func drawURL(_ placed: PlacedCode, centerX: Double, top: Double, bounds: Box, size: Double) -> Double {
        let style = TextStyle(
            font: .mono, size: size, minimumSize: min(size, 6), color: .text, alignment: .start, maximumLines: 1)
        let (layout, height) = fitted.layout(placed.content.displayURL, style, bounds, cuts: false) {
            fit(placed.content.displayURL, style, in: bounds, cuts: false)
        }
        let extents = layout.extents
        let x = min(max(bounds.x, centerX - extents.width / 2), bounds.maxX - extents.width) - extents.x
        canvas.link(to: placed.content.url) {
            canvas.setColor(style.color)
            canvas.moveTo(x: x, y: top)
            layout.show()
        }
        return height
    }

    // MARK: - Text

    /// Sets `text` in `box` (top aligned) at the largest size from `style.size` down to `style.minimumSize` that
    /// fits within `style.maximumLines` lines without breaking a word; at the smallest size words may break and
    /// what still does not fit is cut with an ellipsis, so text never leaves its box. Returns the height used.
    @discardableResult
    func drawText(_ text: String, _ style: TextStyle, in box: Box) -> Double {
        let (layout, height) = fitted.layout(text, style, box, cuts: true) { fit(text, style, in: box, cuts: true) }
        canvas.setColor(style.color)
        canvas.moveTo(x: box.x, y: box.y)
        layout.show()
        return height
    }

    /// The height `drawText` would use for `text` in `box`, without drawing.
    func textHeight(_ text: String, _ style: TextStyle, in box: Box) -> Double {
        fitted.layout(text, style, box, cuts: true) { fit(text, style, in: box, cuts: true) }.1
    }

    /// Lays out `text` in `layout` at the largest size that fits `box`; returns the height it takes.
    /// With `cuts`, text that does not fit at the smallest size is cut with an ellipsis at the box's bottom.
    private func fit(_ text: String, _ style: TextStyle, in box: Box, cuts: Bool) -> (TextLayout, Double) {
        let layout = TextLayout(context: canvas.context)
        var size = style.size
        while true {
            layout.set(text, style: style, size: size, width: box.width, wrapsInsideWords: false)
            let extents = layout.extents
            if extents.width <= box.width + 0.01, extents.height <= box.height, layout.lineCount <= style.maximumLines {
                return (layout, extents.height)
            }
            let next = size * 0.92
            if next < style.minimumSize { break }
            size = next
        }
        layout.set(text, style: style, size: style.minimumSize, width: box.width, wrapsInsideWords: true)
        if cuts { layout.limit(height: box.height) }
        return (layout, min(layout.extents.height, cuts ? box.height : .infinity))
    }

    // MARK: - Marks

    /// Crop marks at the corners of `box`, in the margin outside it: `length` long, `gap` away from the corner.
    func drawCropMarks(around box: Box, length: Double = Length.mm(5), gap: Double = Length.mm(1.5)) {
        canvas.setColor(.marks)
        let width = 0.5
        for x in [box.x, box.maxX] {
            let outward = x == box.x ? -1.0 : 1.0
            for y in [box.y, box.maxY] {
                let upward = y == box.y ? -1.0 : 1.0
                canvas.line(from: (x + outward * gap, y), to: (x + outward * (gap + length), y), width: width)
                canvas.line(from: (x, y + upward * gap), to: (x, y + upward * (gap + length)), width: width)
            }
        }
    }

    /// A dashed line across the sheet at `y`: where to cut or fold.
    func drawDashedLine(y: Double, from startX: Double, to endX: Double) {
        canvas.setColor(.marks)
        canvas.line(from: (startX, y), to: (endX, y), width: 0.5, dash: [Length.mm(2), Length.mm(1.5)])
    }
}

/// Fitted paragraphs of one document, by everything the fitting depends on.
final class FittedText {
    private struct Key: Hashable {
        let text: String
        let font: TextStyle.Font
        let size: Double
        let minimumSize: Double
        let alignment: TextStyle.Alignment
        let maximumLines: Int
        let width: Double
        let height: Double
        let cuts: Bool
    }

    private var entries: [Key: (TextLayout, Double)] = [:]

    /// The paragraph fitted before with the same text, style and box size, or `make()`'s.
    func layout(
        _ text: String, _ style: TextStyle, _ box: Box, cuts: Bool, make: () -> (TextLayout, Double)
    ) -> (TextLayout, Double) {
        let key = Key(
            text: text, font: style.font, size: style.size, minimumSize: style.minimumSize,
            alignment: style.alignment, maximumLines: style.maximumLines, width: box.width, height: box.height,
            cuts: cuts)
        if let entry = entries[key] { return entry }
        let entry = make()
        entries[key] = entry
        return entry
    }
}
