import SpruceCore
import Testing

@Suite("QR colors of a link")
struct QRColorsTests {
    @Test(
        "accepted, written #rrggbb in lowercase",
        arguments: [
            ("#000000", "#FFFFFF", "#000000", "#ffffff"),
            ("1A4D2E", "ffffff", "#1a4d2e", "#ffffff"),
            ("#0b3d91", "#f5f0e6", "#0b3d91", "#f5f0e6"),
            ("#595959", "#ffffff", "#595959", "#ffffff"),  // 7.0:1
        ])
    func accepted(foreground: String, background: String, expectedForeground: String, expectedBackground: String) throws
    {
        let colors = try QRColors(foreground: foreground, background: background)
        #expect(colors.foreground == expectedForeground)
        #expect(colors.background == expectedBackground)
    }

    @Test(
        "refused, naming the field and the rule",
        arguments: [
            ("black", "#ffffff", "foreground must be a color written #rrggbb"),
            ("#000000", "#fff", "background must be a color written #rrggbb"),
            ("#00000g", "#ffffff", "foreground must be a color written #rrggbb"),
            ("#0000000", "#ffffff", "foreground must be a color written #rrggbb"),
            (
                "#ffffff", "#000000",
                "foreground must be darker than the background (cameras look for dark modules on light)"
            ),
            (
                "#777777", "#ffffff",
                "foreground has a contrast of 4.4:1 with the background; at least 4.5:1 scans reliably"
            ),
            (
                "#ff0000", "#ffffff",
                "foreground has a contrast of 3.9:1 with the background; at least 4.5:1 scans reliably"
            ),
        ])
    func refused(foreground: String, background: String, message: String) {
        #expect(throws: QRColorError.self) { try QRColors(foreground: foreground, background: background) }
        do {
            _ = try QRColors(foreground: foreground, background: background)
        } catch {
            #expect(error.description == message)
        }
    }
}
