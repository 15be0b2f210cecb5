extension SheetComposer {
    /// The poster: headline, practice name, the code (200 mm with its quiet zone), the URL, three steps side by side.
    func drawPoster(_ placed: PlacedCode) {
        let side = Length.mm(PrintLayout.poster.codeSide)
        let margin = Length.mm(10)
        let gap = Length.mm(2)
        let urlBand = Length.mm(9)
        let stepsBand = Length.mm(15)
        let top = Length.mm(9)
        let bottom = pageHeight - Length.mm(7)
        let textWidth = pageWidth - 2 * margin
        let titles = bottom - top - side - urlBand - stepsBand - 3 * gap

        // Headline and name share the space above the code, centered in it together.
        let headline = TextStyle(
            font: .bold, size: 34, minimumSize: 14, color: placed.foreground, alignment: .center, maximumLines: 1)
        let name = TextStyle(font: .bold, size: 24, minimumSize: 9, color: .text, alignment: .center, maximumLines: 2)
        let headlineBox = Box(x: margin, y: 0, width: textWidth, height: titles * 0.45)
        let nameBox = Box(x: margin, y: 0, width: textWidth, height: titles * 0.55 - gap / 2)
        let headlineHeight = textHeight(placed.content.headline, headline, in: headlineBox)
        let nameHeight = textHeight(placed.content.practiceName, name, in: nameBox)
        let stackTop = top + max(0, (titles - headlineHeight - gap / 2 - nameHeight) / 2)
        drawText(
            placed.content.headline, headline,
            in: Box(
                x: margin, y: stackTop, width: textWidth,
                height: headlineBox.height))
        drawText(
            placed.content.practiceName, name,
            in: Box(
                x: margin, y: stackTop + headlineHeight + gap / 2,
                width: textWidth, height: nameBox.height))

        let codeY = top + titles + gap
        drawCode(recordCode(placed, side: side), placed, x: (pageWidth - side) / 2, y: codeY)

        let urlTop = codeY + side + gap
        drawURL(
            placed, centerX: pageWidth / 2, top: urlTop,
            bounds: Box(x: margin, y: urlTop, width: textWidth, height: urlBand), size: 20)

        let stepsTop = urlTop + urlBand + gap
        let column = textWidth / Double(PrintRules.steps.count)
        let step = TextStyle(
            font: .regular, size: 11, minimumSize: 7, color: .text, alignment: .center, maximumLines: 2)
        for (index, text) in PrintRules.steps.enumerated() {
            let box = Box(
                x: margin + Double(index) * column, y: stepsTop, width: column - gap, height: bottom - stepsTop)
            drawText(text, step, in: box)
        }
    }
}
