extension SheetComposer {
    /// Two flyers, one per half of the sheet, with a dashed cut line between them.
    func drawFlyers(_ placed: PlacedCode) {
        let half = pageHeight / 2
        let code = recordCode(placed, side: Length.mm(PrintLayout.flyer.codeSide))
        for index in 0..<2 {
            drawFace(
                placed, code: code, in: Box(x: 0, y: Double(index) * half, width: pageWidth, height: half),
                margin: Length.mm(9))
        }
        drawDashedLine(y: half, from: 0, to: pageWidth)
    }

    /// A counter tent: the sheet folds across its middle; the lower face reads upright, the upper face is the same
    /// face turned upside down, so both stand upright once folded. Crop marks around the trimmed area, fold
    /// ticks in the margins and a light dashed fold line.
    func drawTent(_ placed: PlacedCode) {
        let trim = Box(x: 0, y: 0, width: pageWidth, height: pageHeight).inset(by: Length.mm(8))
        let fold = pageHeight / 2
        let upper = Box(x: trim.x, y: trim.y, width: trim.width, height: fold - trim.y)
        let lower = Box(x: trim.x, y: fold, width: trim.width, height: trim.maxY - fold)
        let code = recordCode(placed, side: Length.mm(PrintLayout.tent.codeSide))
        drawFace(placed, code: code, in: lower, margin: Length.mm(6))
        canvas.upsideDown(centerX: upper.midX, centerY: upper.y + upper.height / 2) {
            drawFace(placed, code: code, in: upper, margin: Length.mm(6))
        }
        drawCropMarks(around: trim)
        drawDashedLine(y: fold, from: trim.x, to: trim.maxX)
        canvas.setColor(.marks)
        canvas.line(from: (0, fold), to: (trim.x - Length.mm(1.5), fold), width: 0.5)
        canvas.line(from: (trim.maxX + Length.mm(1.5), fold), to: (pageWidth, fold), width: 0.5)
    }

    /// One face of a flyer or tent: name, headline and steps on the left, the code (100 mm) on the right with the
    /// URL under it.
    func drawFace(_ placed: PlacedCode, code: PDFCanvas.Recording, in face: Box, margin: Double) {
        let inner = face.inset(by: margin)
        let side = Length.mm(PrintLayout.flyer.codeSide)
        let codeX = inner.maxX - side
        drawCode(code, placed, x: codeX, y: inner.y)
        let urlTop = inner.y + side + Length.mm(1.5)
        drawURL(
            placed, centerX: codeX + side / 2, top: urlTop,
            bounds: Box(x: inner.x, y: urlTop, width: inner.width, height: inner.maxY - urlTop), size: 13)

        let column = Box(
            x: inner.x, y: inner.y + Length.mm(2), width: codeX - Length.mm(6) - inner.x,
            height: inner.height - Length.mm(2))
        let name = TextStyle(font: .bold, size: 22, minimumSize: 8, color: .text, alignment: .start, maximumLines: 4)
        let nameHeight = drawText(placed.content.practiceName, name, in: column.splitTop(column.height * 0.38).top)

        var rest = column.splitTop(nameHeight, gap: Length.mm(4)).rest
        let headline = TextStyle(
            font: .bold, size: 20, minimumSize: 9, color: placed.foreground, alignment: .start, maximumLines: 2)
        let headlineHeight = drawText(placed.content.headline, headline, in: rest.splitTop(rest.height * 0.4).top)

        rest = rest.splitTop(headlineHeight, gap: Length.mm(5)).rest
        let steps = TextStyle(
            font: .regular, size: 12, minimumSize: 7, color: .text, alignment: .start, maximumLines: 6)
        drawText(PrintRules.steps.joined(separator: "\n"), steps, in: rest)
    }
}
