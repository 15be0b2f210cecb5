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

    /// The code in a square of `side` at (`x`, `y`): the background color over the whole square (the quiet zone
    /// included), then each row's runs of dark modules as rectangles filled in one path. Linked to the URL.
    func drawCode(_ placed: PlacedCode, x: Double, y: Double, side: Double) {
        let code = placed.code
        let quiet = PrintRules.quietZoneModules
        let module = side / Double(code.width + 2 * quiet)
        canvas.link(to: placed.content.url) {
            canvas.setColor(placed.background)
            canvas.addRectangle(x: x, y: y, width: side, height: side)
            canvas.fill()
            canvas.setColor(placed.foreground)
            let originX = x + Double(quiet) * module
            let originY = y + Double(quiet) * module
            for row in 0..<code.width {
                var column = 0
                while column < code.width {
                    guard code[column, row] else {
                        column += 1
                        continue
                    }
                    let start = column
                    while column < code.width, code[column, row] { column += 1 }
                    canvas.addRectangle(
                        x: originX + Double(start) * module, y: originY + Double(row) * module,
                        width: Double(column - start) * module, height: module)
                }
            }
            canvas.fill()
        }
    }

    /// The URL under a code: one line centered on `centerX`, moved sideways to stay inside `bounds`, shrunk (and
    /// only past its smallest size wrapped) to fit. Linked to the URL. Returns the height used.
    @discardableResult
    func drawURL(_ placed: PlacedCode, centerX: Double, top: Double, bounds: Box, size: Double) -> Double {
        let style = TextStyle(
            font: .mono, size: size, minimumSize: min(size, 6), color: .text, alignment: .start, maximumLines: 1)
        let layout = TextLayout(context: canvas.context)
        let fitted = fit(placed.content.displayURL, style, in: bounds, layout: layout, cuts: false)
        let extents = layout.extents
        let x = min(max(bounds.x, centerX - extents.width / 2), bounds.maxX - extents.width) - extents.x
        canvas.link(to: placed.content.url) {
            canvas.setColor(style.color)
            canvas.moveTo(x: x, y: top)
            layout.show()
        }
        return fitted
    }

    // MARK: - Text

    /// Sets `text` in `box` (top aligned) at the largest size from `style.size` down to `style.minimumSize` that
    /// fits within `style.maximumLines` lines without breaking a word; at the smallest size words may break and
    /// what still does not fit is cut with an ellipsis, so text never leaves its box. Returns the height used.
    @discardableResult
    func drawText(_ text: String, _ style: TextStyle, in box: Box) -> Double {
        let layout = TextLayout(context: canvas.context)
        let height = fit(text, style, in: box, layout: layout, cuts: true)
        canvas.setColor(style.color)
        canvas.moveTo(x: box.x, y: box.y)
        layout.show()
        return height
    }

    /// Lays out `text` in `layout` at the largest size that fits `box`; returns the height it takes.
    /// With `cuts`, text that does not fit at the smallest size is cut with an ellipsis at the box's bottom.
    private func fit(_ text: String, _ style: TextStyle, in box: Box, layout: TextLayout, cuts: Bool) -> Double {
        var size = style.size
        while true {
            layout.set(text, style: style, size: size, width: box.width, wrapsInsideWords: false)
            let extents = layout.extents
            if extents.width <= box.width + 0.01, extents.height <= box.height, layout.lineCount <= style.maximumLines {
                return extents.height
            }
            let next = size * 0.92
            if next < style.minimumSize { break }
            size = next
        }
        layout.set(text, style: style, size: style.minimumSize, width: box.width, wrapsInsideWords: true)
        if cuts { layout.limit(height: box.height) }
        return min(layout.extents.height, cuts ? box.height : .infinity)
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
