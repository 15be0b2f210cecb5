import SpruceQR

/// The dark modules of a code as rectangles: runs of dark modules along each row, a run merged with the same run
/// (same start and end) on the rows below. Fewer rectangles make a smaller, faster PDF than one per module.
struct CodeBlocks: Sequence {
    struct Block: Equatable {
        let column: Int
        let row: Int
        let width: Int
        let height: Int
    }

    private let blocks: [Block]

    init(_ code: QRCode) {
        var finished: [Block] = []
        // Open blocks by (start, end) column of their run: the row they began on.
        var open: [Int: (end: Int, row: Int)] = [:]
        for row in 0...code.width {
            var runs: [Int: Int] = [:]
            var column = 0
            while row < code.width, column < code.width {
                guard code[column, row] else {
                    column += 1
                    continue
                }
                let start = column
                while column < code.width, code[column, row] { column += 1 }
                runs[start] = column
            }
            for (start, block) in open where runs[start] != block.end {
                finished.append(Block(column: start, row: block.row, width: block.end - start, height: row - block.row))
                open[start] = nil
            }
            for (start, end) in runs where open[start] == nil {
                open[start] = (end, row)
            }
        }
        blocks = finished
    }

    func makeIterator() -> IndexingIterator<[Block]> { blocks.makeIterator() }

    /// How many modules the blocks cover: the code's dark modules, each once.
    var area: Int { blocks.reduce(0) { $0 + $1.width * $1.height } }
}
