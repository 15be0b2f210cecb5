/// Lengths in PDF points (1/72 inch), made from millimetres.
enum Length {
    static let pointsPerMillimetre = 72 / 25.4

    static func mm(_ millimetres: Double) -> Double { millimetres * pointsPerMillimetre }

    static func millimetres(_ points: Double) -> Double { points / pointsPerMillimetre }
}

/// A rectangle on a page, in points, origin at the top left.
struct Box: Equatable {
    var x: Double
    var y: Double
    var width: Double
    var height: Double

    var maxX: Double { x + width }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }

    /// The box shrunk by `inset` on every side.
    func inset(by inset: Double) -> Box {
        Box(x: x + inset, y: y + inset, width: width - 2 * inset, height: height - 2 * inset)
    }

    /// The top `height` of the box, and what is left below it after `gap`.
    func splitTop(_ height: Double, gap: Double = 0) -> (top: Box, rest: Box) {
        let top = Box(x: x, y: y, width: width, height: min(height, self.height))
        let restY = min(maxY, y + height + gap)
        return (top, Box(x: x, y: restY, width: width, height: maxY - restY))
    }
}
