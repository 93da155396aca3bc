import Foundation

extension EvaluationReport {
    /// The report for people: a heading line, then tables of AP and recall (fractions in
    /// [0, 1], three decimals, `-` where undefined), communication volume and latency.
    /// - Parameter markdown: GitHub-flavoured markdown instead of aligned plain text.
    public func lines(markdown: Bool) -> [String] {
        let thresholds = DetectionEvaluator.thresholds.map { String(format: "%.1f", $0) }
        var out: [String] = []
        // The centre rule is half-open like BEVGrid cells; the corner rule is closed.
        let (rule, close) = region.rule == .center ? ("box centres", ")") : ("all box corners", "]")
        let heading = "protocol \(evaluationProtocol.rawValue), category \(category.rawValue), "
            + "\(rule) in x [\(Self.number(region.minX)), \(Self.number(region.maxX))\(close) "
            + "y [\(Self.number(region.minY)), \(Self.number(region.maxY))\(close), \(frames) frames"
        out.append(markdown ? "**v2x eval** — \(heading)" : "v2x eval — \(heading)")
        out.append("")

        var ap = TextTable(header: ["", "GT", "pred"] + thresholds.map { "AP@\($0)" } + thresholds.map { "R@\($0)" })
        func row(_ name: String, _ s: APSummary) -> [String] {
            [name, String(s.groundTruthCount), String(s.detectionCount)]
                + s.averagePrecision.map(Self.fraction) + s.recall.map(Self.fraction)
        }
        ap.rows.append(row("all", overall))
        ap.rows += byRange.map { row("range \($0.name) m", $0.summary) }
        ap.rows += byClass.map { row("class \($0.name)", $0.summary) }
        if let byVisibility {
            ap.rows += byVisibility.map { bin in
                ["visibility \(bin.name)", String(bin.summary.groundTruthCount), ""]
                    + thresholds.map { _ in "" } + bin.summary.recall.map(Self.fraction)
            }
        }
        out += ap.lines(markdown: markdown)

        if let perFrame {
            out.append("")
            var table = TextTable(header: ["frame", "ego", "GT", "pred"] + thresholds.flatMap { ["TP@\($0)", "FP@\($0)"] })
            table.rows = perFrame.map { f in
                [f.frame, f.ego, String(f.groundTruthCount), String(f.detectionCount)]
                    + zip(f.truePositives, f.falsePositives).flatMap { [String($0), String($1)] }
            }
            out += table.lines(markdown: markdown)
        }

        if let communication {
            out.append("")
            var table = TextTable(header: ["sender", "messages", "bytes/frame", "log2(bytes)", "Mbit/s", "cells sent"])
            func row(_ name: String, _ v: CommunicationSummary.Volume) -> [String] {
                [
                    name, String(v.messages), String(format: "%.0f", v.bytesPerAgentFrame),
                    v.log2Bytes.map { String(format: "%.2f", $0) } ?? "-", String(format: "%.3f", v.megabitsPerSecond),
                    v.fractionCellsSent.map { String(format: "%.1f%%", 100 * $0) } ?? "-",
                ]
            }
            table.rows = [row("all agents", communication.overall)] + communication.perAgent.map { row("agent \($0.name)", $0.summary) }
            out.append("communication at \(Self.number(communication.sensorRateHz)) Hz:")
            out += table.lines(markdown: markdown)
        }

        if let latency {
            out.append("")
            var table = TextTable(header: ["stage", "count", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms"])
            table.rows = latency.stages.map { s in
                [s.name, String(s.summary.count)] + [
                    s.summary.p50Milliseconds, s.summary.p95Milliseconds, s.summary.p99Milliseconds,
                    s.summary.maxMilliseconds, s.summary.meanMilliseconds,
                ].map { String(format: "%.3f", $0) }
            }
            out += table.lines(markdown: markdown)
        }
        return out
    }

    static func fraction(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "-" }

    static func number(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(v) }
}
