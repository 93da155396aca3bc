import Foundation

import V2XCore

/// A line chart written as a self-contained SVG: title, both axes with ticks, grid and
/// labels, one polyline with markers per series, and a legend. Used for sweep plots
/// (AP vs delay, AP vs bytes per frame on a log₂ axis).
///
/// ```
///  title
///  ┌──────────────────────────┐  legend (top right, inside)
///  │  ─●── series 1           │
///  y  ─■── series 2           │
///  │                          │
///  └──────────── x ───────────┘
/// ```
public struct LinePlot: Sendable, Equatable {
    /// One line: points in data units, drawn in the given order.
    public struct Series: Sendable, Equatable {
        public var name: String
        public var points: [SIMD2<Double>]

        public init(name: String, points: [SIMD2<Double>]) {
            self.name = name
            self.points = points
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var xScale: PlotAxis.Scale
    /// The y range to show (e.g. 0…1 for AP); nil fits the data.
    public var yRange: ClosedRange<Double>?
    public var series: [Series]
    public var width: Int
    public var height: Int

    public init(
        title: String, xLabel: String, yLabel: String, xScale: PlotAxis.Scale = .linear,
        yRange: ClosedRange<Double>? = nil, series: [Series], width: Int = 720, height: Int = 440
    ) {
        self.title = title; self.xLabel = xLabel; self.yLabel = yLabel; self.xScale = xScale
        self.yRange = yRange; self.series = series; self.width = width; self.height = height
    }

    /// Line colours, cycled (colour-blind-safe Okabe–Ito palette).
    public static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]

    /// Margins around the plot area: left, right, top, bottom (pixels).
    static let margin = (left: 72.0, right: 24.0, top: 48.0, bottom: 60.0)

    /// The SVG document.
    /// - Throws: `V2XError.invalidArgument` when there is no series or no point, a value is
    ///   not finite, an x value is ≤ 0 on a log₂ axis, or the size is under 200 × 150.
    public func svg() throws -> String {
        guard width >= 200, height >= 150 else { throw V2XError(.invalidArgument, "plot size \(width)×\(height) is under 200×150") }
        guard !series.isEmpty, series.contains(where: { !$0.points.isEmpty }) else {
            throw V2XError(.invalidArgument, "plot \"\(title)\" has no points")
        }
        let all = series.flatMap(\.points)
        let xAxis = try PlotAxis(label: xLabel, scale: xScale, values: all.map(\.x))
        let yAxis = try PlotAxis(label: yLabel, scale: .linear, values: all.map(\.y), fixedRange: yRange)
        let m = Self.margin
        let plotW = Double(width) - m.left - m.right, plotH = Double(height) - m.top - m.bottom
        func px(_ p: SIMD2<Double>) -> (Double, Double) {
            (m.left + xAxis.fraction(p.x) * plotW, m.top + (1 - yAxis.fraction(p.y)) * plotH)
        }
        var out: [String] = []
        out.append(#"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="sans-serif" font-size="12">"#)
        out.append(#"<rect x="0" y="0" width="\#(width)" height="\#(height)" fill="white"/>"#)
        out.append(#"<text x="\#(f(Double(width) / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\#(Self.escape(title))</text>"#)
        // Grid and ticks.
        for t in xAxis.ticks {
            let x = m.left + xAxis.fraction(t) * plotW
            out.append(#"<line class="grid" x1="\#(f(x))" y1="\#(f(m.top))" x2="\#(f(x))" y2="\#(f(m.top + plotH))" stroke="rgb(224,224,224)"/>"#)
            out.append(#"<text class="xtick" x="\#(f(x))" y="\#(f(m.top + plotH + 16))" text-anchor="middle">\#(Self.escape(xAxis.tickLabel(t)))</text>"#)
        }
        for t in yAxis.ticks {
            let y = m.top + (1 - yAxis.fraction(t)) * plotH
            out.append(#"<line class="grid" x1="\#(f(m.left))" y1="\#(f(y))" x2="\#(f(m.left + plotW))" y2="\#(f(y))" stroke="rgb(224,224,224)"/>"#)
            out.append(#"<text class="ytick" x="\#(f(m.left - 6))" y="\#(f(y + 4))" text-anchor="end">\#(Self.escape(yAxis.tickLabel(t)))</text>"#)
        }
        out.append(#"<rect x="\#(f(m.left))" y="\#(f(m.top))" width="\#(f(plotW))" height="\#(f(plotH))" fill="none" stroke="rgb(51,51,51)"/>"#)
        let xTitle = xScale == .log2 ? "\(xLabel) (log₂ scale)" : xLabel
        out.append(#"<text x="\#(f(m.left + plotW / 2))" y="\#(f(Double(height) - 16))" text-anchor="middle">\#(Self.escape(xTitle))</text>"#)
        let yMid = m.top + plotH / 2
        out.append(#"<text x="18" y="\#(f(yMid))" text-anchor="middle" transform="rotate(-90 18 \#(f(yMid)))">\#(Self.escape(yLabel))</text>"#)
        // Series.
        for (i, s) in series.enumerated() where !s.points.isEmpty {
            let color = Self.palette[i % Self.palette.count]
            let pts = s.points.map(px).map { "\(f($0.0)),\(f($0.1))" }.joined(separator: " ")
            out.append(#"<polyline class="series" fill="none" stroke="\#(color)" stroke-width="2" points="\#(pts)"/>"#)
            for p in s.points.map(px) {
                out.append(#"<circle cx="\#(f(p.0))" cy="\#(f(p.1))" r="3.5" fill="\#(color)"/>"#)
            }
        }
        // Legend inside the plot area, in the corner covering the fewest data points
        // (ties: top right, top left, bottom right, bottom left).
        let named = series.enumerated().filter { !$0.element.points.isEmpty }
        let legendW = 36 + 7 * Double(named.map(\.element.name.count).max() ?? 0)
        let legendH = Double(named.count) * 18 + 8
        let corners = [
            (m.left + plotW - legendW - 8, m.top + 8), (m.left + 8, m.top + 8),
            (m.left + plotW - legendW - 8, m.top + plotH - legendH - 8), (m.left + 8, m.top + plotH - legendH - 8),
        ]
        let pixels = all.map(px)
        let (lx, ly) = corners.min { a, b in
            func covered(_ c: (Double, Double)) -> Int {
                pixels.filter { $0.0 >= c.0 - 6 && $0.0 <= c.0 + legendW + 6 && $0.1 >= c.1 - 6 && $0.1 <= c.1 + legendH + 6 }.count
            }
            return covered(a) < covered(b)
        } ?? corners[0]
        out.append(#"<rect class="legend" x="\#(f(lx))" y="\#(f(ly))" width="\#(f(legendW))" height="\#(f(legendH))" fill="white" fill-opacity="0.9" stroke="rgb(153,153,153)"/>"#)
        for (row, (i, s)) in named.enumerated() {
            let color = Self.palette[i % Self.palette.count]
            let y = ly + 16 + Double(row) * 18
            out.append(#"<line x1="\#(f(lx + 6))" y1="\#(f(y - 4))" x2="\#(f(lx + 26))" y2="\#(f(y - 4))" stroke="\#(color)" stroke-width="2"/>"#)
            out.append(#"<text class="legend-label" x="\#(f(lx + 30))" y="\#(f(y))">\#(Self.escape(s.name))</text>"#)
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    private func f(_ v: Double) -> String { String(format: "%.1f", v) }

    /// Escapes the five XML special characters.
    static func escape(_ s: String) -> String {
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(c)
            }
        }
        return out
    }
}
