import SpruceCore

/// A small bar chart of a report's scans and visits per period, as inline SVG: no script, no external file.
enum FunnelChart {
    static let width = 640
    static let height = 160
    static let labelHeight = 18

    /// The chart's SVG; every text in it is a number or a date, so nothing needs escaping.
    static func svg(_ report: LinkFunnelReport) -> String {
        let periods = report.periods
        let top = max(1, periods.map { $0.counts[.scan] + $0.counts[.visit] }.max() ?? 1)
        let plot = height - labelHeight
        let slot = Double(width) / Double(max(1, periods.count))
        let bar = max(1.0, slot * 0.7)
        var svg =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"funnel-chart\" viewBox=\"0 0 \(width) \(height)\" "
            + "role=\"img\" aria-labelledby=\"chart-title\"><title id=\"chart-title\">Scans and visits per "
            + "\(report.grouping.rawValue), highest \(top)</title>"
        svg += "<line x1=\"0\" y1=\"\(plot)\" x2=\"\(width)\" y2=\"\(plot)\" stroke=\"#888\" stroke-width=\"1\"/>"
        for (index, period) in periods.enumerated() {
            let x = Double(index) * slot + (slot - bar) / 2
            let visits = Double(period.counts[.visit]) / Double(top) * Double(plot - 4)
            let scans = Double(period.counts[.scan]) / Double(top) * Double(plot - 4)
            let label = "\(period.start): \(period.counts[.scan]) scans, \(period.counts[.visit]) visits"
            svg += "<g><title>\(label)</title>"
            svg += rect(x: x, y: Double(plot) - scans, width: bar, height: scans, fill: "#1a4d2e")
            svg += rect(x: x, y: Double(plot) - scans - visits, width: bar, height: visits, fill: "#7fb08f")
            svg += "</g>"
        }
        if let first = periods.first, let last = periods.last {
            svg += "<text x=\"0\" y=\"\(height - 4)\" font-size=\"11\">\(first.start)</text>"
            svg += "<text x=\"\(width)\" y=\"\(height - 4)\" font-size=\"11\" text-anchor=\"end\">\(last.start)</text>"
        }
        return svg + "</svg>"
    }

    private static func rect(x: Double, y: Double, width: Double, height: Double, fill: String) -> String {
        guard height > 0 else { return "" }
        return
            "<rect x=\"\(rounded(x))\" y=\"\(rounded(y))\" width=\"\(rounded(width))\" height=\"\(rounded(height))\" "
            + "fill=\"\(fill)\"/>"
    }

    private static func rounded(_ value: Double) -> String {
        String((value * 10).rounded() / 10)
    }
}
