import SpruceQR

/// An opaque RGB color with channels from 0 to 1, as cairo takes them.
struct PrintColor: Equatable {
    var red: Double
    var green: Double
    var blue: Double

    init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    init(_ color: RGBAColor) {
        self.init(red: Double(color.red) / 255, green: Double(color.green) / 255, blue: Double(color.blue) / 255)
    }

    /// Body text: near black, readable on white paper.
    static let text = PrintColor(red: 0.13, green: 0.13, blue: 0.13)
    /// Crop, cut and fold marks.
    static let marks = PrintColor(red: 0.45, green: 0.45, blue: 0.45)
    static let white = PrintColor(red: 1, green: 1, blue: 1)
}
