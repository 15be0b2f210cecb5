extension SheetComposer {
    /// Ten 85 × 55 mm cards, two across and five down, centered, with crop marks in the margins at every cut.
    func drawCards(_ placed: PlacedCode) {
        let cardWidth = Length.mm(85)
        let cardHeight = Length.mm(55)
        let left = (pageWidth - 2 * cardWidth) / 2
        let top = (pageHeight - 5 * cardHeight) / 2
        let code = recordCode(placed, side: Length.mm(PrintLayout.cards.codeSide))
        for row in 0..<5 {
            for column in 0..<2 {
                drawCard(
                    placed, code: code,
                    in: Box(
                        x: left + Double(column) * cardWidth, y: top + Double(row) * cardHeight, width: cardWidth,
                        height: cardHeight))
            }
        }
        canvas.setColor(.marks)
        let gap = Length.mm(1)
        for index in 0...2 {
            let x = left + Double(index) * cardWidth
            canvas.line(from: (x, max(0, top - Length.mm(6))), to: (x, top - gap), width: 0.5)
            let bottom = top + 5 * cardHeight
            canvas.line(from: (x, bottom + gap), to: (x, min(pageHeight, bottom + Length.mm(6))), width: 0.5)
        }
        for index in 0...5 {
            let y = top + Double(index) * cardHeight
            canvas.line(from: (left - Length.mm(8), y), to: (left - gap, y), width: 0.5)
            let right = left + 2 * cardWidth
            canvas.line(from: (right + gap, y), to: (right + Length.mm(8), y), width: 0.5)
        }
    }

    /// One card: the name and headline on the left, the code (40 mm) at the top right, the URL under it.
    func drawCard(_ placed: PlacedCode, code: PDFCanvas.Recording, in card: Box) {
        let inner = card.inset(by: Length.mm(4))
        let side = Length.mm(PrintLayout.cards.codeSide)
        let codeX = inner.maxX - side
        drawCode(code, placed, x: codeX, y: inner.y)
        let urlTop = inner.y + side + Length.mm(1)
        drawURL(
            placed, centerX: codeX + side / 2, top: urlTop,
            bounds: Box(x: inner.x, y: urlTop, width: inner.width, height: inner.maxY - urlTop), size: 8)

        let column = Box(
            x: inner.x, y: inner.y + Length.mm(1), width: codeX - Length.mm(3) - inner.x,
            height: side - Length.mm(1))
        let name = TextStyle(font: .bold, size: 13, minimumSize: 6, color: .text, alignment: .start, maximumLines: 3)
        let nameHeight = drawText(placed.content.practiceName, name, in: column.splitTop(column.height * 0.6).top)
        let rest = column.splitTop(nameHeight, gap: Length.mm(2.5)).rest
        let headline = TextStyle(
            font: .bold, size: 8.5, minimumSize: 5.5, color: placed.foreground, alignment: .start, maximumLines: 2)
        drawText(placed.content.headline, headline, in: rest)
    }
}
