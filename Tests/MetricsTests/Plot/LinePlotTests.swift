import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
import V2XCore
@testable import Metrics

@Suite struct LinePlotTests {
    /// Collects elements (name, attributes, text) of an SVG; fails on malformed XML.
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [(name: String, attributes: [String: String], text: String)] = []
        private var open: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            open.append(elements.count)
            elements.append((name, attributes, ""))
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let i = open.last { elements[i].text += string }
        }
    }

    private func parse(_ svg: String) throws -> Collector {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        #expect(parser.parse(), "SVG is not well-formed XML: \(String(describing: parser.parserError))")
        return collector
    }

    private func texts(_ c: Collector, _ cls: String) -> [String] {
        c.elements.filter { $0.name == "text" && $0.attributes["class"] == cls }.map(\.text)
    }

    @Test func apVersusDelay() throws {
        let plot = LinePlot(
            title: "AP@0.5 vs delay <late & early>", xLabel: "delay (ms)", yLabel: "AP@0.5", yRange: 0...1,
            series: [
                LinePlot.Series(name: "intermediate", points: [SIMD2(0, 0.8), SIMD2(100, 0.7), SIMD2(200, 0.55)]),
                LinePlot.Series(name: "late", points: [SIMD2(0, 0.75), SIMD2(100, 0.6), SIMD2(200, 0.4)]),
            ]
        )
        let c = try parse(try plot.svg())
        #expect(c.elements.filter { $0.name == "polyline" }.count == 2)
        #expect(c.elements.filter { $0.name == "circle" }.count == 6)
        #expect(texts(c, "ytick") == ["0", "0.2", "0.4", "0.6", "0.8", "1"])
        #expect(texts(c, "xtick") == ["0", "50", "100", "150", "200"])
        #expect(texts(c, "legend-label") == ["intermediate", "late"])
        #expect(c.elements.contains { $0.name == "text" && $0.text == "AP@0.5 vs delay <late & early>" })
        // (0, 0.8) sits on the left edge, 80 % up the plot area (top 48, height 440 − 48 − 60 = 332).
        let first = try #require(c.elements.first { $0.name == "circle" })
        #expect(first.attributes["cx"] == "72.0")
        #expect(first.attributes["cy"] == String(format: "%.1f", 48 + 0.2 * 332))
    }

    @Test func bytesOnALog2Axis() throws {
        let plot = LinePlot(
            title: "AP vs volume", xLabel: "bytes per frame", yLabel: "AP@0.7", xScale: .log2, yRange: 0...1,
            series: [LinePlot.Series(name: "ours", points: [SIMD2(1000, 0.2), SIMD2(70_000, 0.6)])]
        )
        let c = try parse(try plot.svg())
        // Data 1000…70000 widens to 2⁹…2¹⁷; 8 octaves → every 2nd power: 5 ticks.
        #expect(texts(c, "xtick") == ["512", "2 Ki", "8 Ki", "32 Ki", "128 Ki"])
        #expect(c.elements.contains { $0.name == "text" && $0.text == "bytes per frame (log₂ scale)" })
    }

    @Test func legendAvoidsData() throws {
        // A point in the top-right corner pushes the legend to the top left (x = 72 + 8).
        let crowded = LinePlot(title: "t", xLabel: "x", yLabel: "y", yRange: 0...1,
                               series: [LinePlot.Series(name: "a", points: [SIMD2(0, 0.5), SIMD2(9.5, 0.95), SIMD2(10, 0.9)])])
        let legend = try #require(try parse(try crowded.svg()).elements.first { $0.attributes["class"] == "legend" })
        #expect(legend.attributes["x"] == "80.0")
        // With the top right free it stays there.
        let free = LinePlot(title: "t", xLabel: "x", yLabel: "y", yRange: 0...1,
                            series: [LinePlot.Series(name: "a", points: [SIMD2(0, 0.5), SIMD2(10, 0.1)])])
        let right = try #require(try parse(try free.svg()).elements.first { $0.attributes["class"] == "legend" })
        #expect(Double(right.attributes["x"] ?? "") ?? 0 > 360)
    }

    @Test func niceSteps() throws {
        #expect(PlotAxis.niceStep(0.18) == 0.2)
        #expect(PlotAxis.niceStep(3) == 5)
        #expect(PlotAxis.niceStep(7) == 10)
        let axis = try PlotAxis(label: "x", scale: .linear, values: [0.13, 0.87])
        #expect(axis.lower == 0.0 && axis.upper == 1.0 && axis.ticks.count == 6)
        let flat = try PlotAxis(label: "x", scale: .linear, values: [3, 3])
        #expect(flat.lower < 3 && flat.upper > 3)
    }

    @Test func badInputIsRejected() {
        #expect(throws: V2XError.self) { try LinePlot(title: "t", xLabel: "x", yLabel: "y", series: []).svg() }
        #expect(throws: V2XError.self) {
            try LinePlot(title: "t", xLabel: "x", yLabel: "y", xScale: .log2, series: [LinePlot.Series(name: "a", points: [SIMD2(0, 1)])]).svg()
        }
        #expect(throws: V2XError.self) {
            try LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [LinePlot.Series(name: "a", points: [SIMD2(.nan, 1)])]).svg()
        }
    }
}
