import Histogram

/// Latency percentiles per pipeline stage, from a latency log.
///
/// Each stage's durations (over all agents and frames) go into an HdrHistogram with 3
/// significant digits, so every percentile is exact to within 0.1 % of its value:
/// `pₖ` is the smallest recorded value (up to that resolution) that at least k % of the
/// durations do not exceed. Figures are in milliseconds.
///
/// JSON: `{"stages": {"<stage>": {"count", "p50_ms", "p95_ms", "p99_ms", "max_ms", "mean_ms"}}}`.
public struct LatencySummary: Sendable, Equatable, Encodable {
    /// One stage's figures.
    public struct Stage: Sendable, Equatable, Encodable {
        public var count: Int
        public var p50Milliseconds: Double
        public var p95Milliseconds: Double
        public var p99Milliseconds: Double
        public var maxMilliseconds: Double
        public var meanMilliseconds: Double

        enum CodingKeys: String, CodingKey {
            case count
            case p50Milliseconds = "p50_ms"
            case p95Milliseconds = "p95_ms"
            case p99Milliseconds = "p99_ms"
            case maxMilliseconds = "max_ms"
            case meanMilliseconds = "mean_ms"
        }
    }

    /// Stages in order of first appearance in the log.
    public var stages: [NamedSummary<Stage>]

    /// Summarises a latency log.
    public init(records: [LatencyRecord]) {
        var order: [String] = []
        var histograms: [String: Histogram<UInt64>] = [:]
        for r in records {
            if histograms[r.stage] == nil {
                order.append(r.stage)
                histograms[r.stage] = Histogram<UInt64>(numberOfSignificantValueDigits: .three)
            }
            histograms[r.stage]?.record(UInt64(max(0, r.nanoseconds)))
        }
        stages = order.compactMap { name in
            histograms[name].map { h in
                let ms = { (ns: UInt64) in Double(ns) / 1e6 }
                return NamedSummary(name: name, summary: Stage(
                    count: Int(h.totalCount), p50Milliseconds: ms(h.valueAtPercentile(50)),
                    p95Milliseconds: ms(h.valueAtPercentile(95)), p99Milliseconds: ms(h.valueAtPercentile(99)),
                    maxMilliseconds: ms(h.max), meanMilliseconds: h.mean / 1e6
                ))
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(Dictionary(stages.map { ($0.name, $0.summary) }, uniquingKeysWith: { a, _ in a }), forKey: "stages")
    }
}
