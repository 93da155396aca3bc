import Foundation

import V2XCore

/// One axis of a `LinePlot`: its scale, the data range it spans and its ticks.
public struct PlotAxis: Sendable, Equatable {
    /// How data values map to positions.
    public enum Scale: String, Sendable, Equatable, CaseIterable {
        /// Position ∝ value.
        case linear
        /// Position ∝ log₂(value), for byte counts; values must be positive.
        case log2
    }

    public var label: String
    public var scale: Scale
    /// The span shown, in data units (after padding to tick boundaries).
    public private(set) var lower: Double
    public private(set) var upper: Double
    /// Tick positions in data units, increasing.
    public private(set) var ticks: [Double]

    /// An axis covering `values` (or `fixedRange` when given), widened to whole ticks.
    ///
    /// Linear ticks are "nice" steps `{1, 2, 5} · 10ᵏ` chosen so that about five intervals
    /// cover the range; log₂ ticks are powers of two (every power, or every 2nd, 3rd … so
    /// that at most eight remain).
    /// - Throws: `V2XError.invalidArgument` for no finite values, or non-positive values
    ///   on a log₂ axis.
    public init(label: String, scale: Scale, values: [Double], fixedRange: ClosedRange<Double>? = nil) throws {
        self.label = label
        self.scale = scale
        let data = values + (fixedRange.map { [$0.lowerBound, $0.upperBound] } ?? [])
        guard !data.isEmpty, data.allSatisfy(\.isFinite) else {
            throw V2XError(.invalidArgument, "axis \"\(label)\" needs finite values")
        }
        var lo = fixedRange?.lowerBound ?? data.min() ?? 0
        var hi = fixedRange?.upperBound ?? data.max() ?? 1
        switch scale {
        case .linear:
            if hi - lo < 1e-12 { lo -= 0.5; hi += 0.5 }
            let step = Self.niceStep((hi - lo) / 5)
            if fixedRange == nil {
                lo = (lo / step).rounded(.down) * step
                hi = (hi / step).rounded(.up) * step
            }
            let first = (lo / step - 1e-9).rounded(.up)
            let last = (hi / step + 1e-9).rounded(.down)
            ticks = stride(from: first, through: last, by: 1).map { ($0 * step * 1e12).rounded() / 1e12 }
        case .log2:
            guard data.allSatisfy({ $0 > 0 }) else {
                throw V2XError(.invalidArgument, "axis \"\(label)\" is log₂ but has values ≤ 0")
            }
            var e0 = Foundation.log2(lo).rounded(.down), e1 = Foundation.log2(hi).rounded(.up)
            if e1 <= e0 { e1 = e0 + 1 }
            if fixedRange == nil { lo = pow(2, e0); hi = pow(2, e1) } else { e0 = Foundation.log2(lo).rounded(.up); e1 = Foundation.log2(hi).rounded(.down) }
            let every = max(1, Int(((e1 - e0) / 7).rounded(.up)))
            ticks = stride(from: e0, through: e1, by: Double(every)).map { pow(2, $0) }
        }
        self.lower = lo
        self.upper = hi
    }

    /// Where a value sits along the axis, 0 at `lower` and 1 at `upper`.
    public func fraction(_ value: Double) -> Double {
        switch scale {
        case .linear: return (value - lower) / (upper - lower)
        case .log2: return (Foundation.log2(value) - Foundation.log2(lower)) / (Foundation.log2(upper) - Foundation.log2(lower))
        }
    }

    /// A tick's text: plain decimals on a linear axis (no trailing zeros); on a log₂ axis
    /// the value with a binary suffix (`512`, `4 Ki`, `2 Mi`), since log axes carry bytes.
    public func tickLabel(_ value: Double) -> String {
        switch scale {
        case .linear:
            var s = String(format: "%.6f", value)
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
            return s == "-0" ? "0" : s
        case .log2:
            for (suffix, unit) in [("Gi", 1 << 30), ("Mi", 1 << 20), ("Ki", 1 << 10)] where value >= Double(unit) {
                return "\(PlotAxis.trimmed(value / Double(unit))) \(suffix)"
            }
            return PlotAxis.trimmed(value)
        }
    }

    static func trimmed(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.2g", v)
    }

    /// The smallest `{1, 2, 5} · 10ᵏ` at least `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let magnitude = pow(10, (Foundation.log10(rough)).rounded(.down))
        for m in [1.0, 2, 5, 10] where m * magnitude >= rough * (1 - 1e-9) { return m * magnitude }
        return 10 * magnitude
    }
}
