import Foundation
import Fusion
import Metrics
import V2XCore

/// One cell of the sweep: a setting, its scores and what it sent.
struct SweepResult {
    var setting: ReplaySetting
    var report: EvaluationReport
    var volume: VolumeTally

    func ap(_ threshold: Int) -> Double? { report.overall.averagePrecision[threshold] ?? nil }
}

/// The sweep's outputs: a markdown table, a JSON file with stable keys and three SVG plots.
struct SweepTable {
    let results: [SweepResult]
    let grid: SweepGrid
    let scenarios: [String]
    let frames: Int

    /// The result of a row under a condition.
    func result(_ row: SweepGrid.Row, _ condition: SweepGrid.Condition) -> SweepResult? {
        zip(grid.entries, results).first { $0.0.row == row && $0.0.condition == condition }?.1
    }

    static func format(_ value: Double?) -> String { value.map { String(format: "%.3f", $0) } ?? "–" }
    static func bytes(_ volume: VolumeTally) -> String { volume.messages > 0 ? String(format: "%.0f", volume.meanBytes) : "0" }

    var markdown: String {
        var lines = ["# v2x results: \(scenarios.joined(separator: ", ")) (\(frames) ego frames)", ""]
        lines.append("Cells are AP@0.5 / AP@0.7 (DESIGN.md protocol, cooperative ground truth); bytes are the mean signed message per collaborator per frame.")
        lines.append("")
        lines.append("## Message delay (no pose noise)")
        lines.append("")
        lines.append("| method | bytes/msg | " + grid.delaysMs.map { "\(Int($0)) ms" }.joined(separator: " | ") + " |")
        lines.append("|---|---:|" + grid.delaysMs.map { _ in "---:" }.joined(separator: "|") + "|")
        for row in SweepGrid.Row.allCases {
            let cells = grid.delaysMs.map { d in result(row, .init(delayMs: d, noiseMeters: 0)).map { "\(Self.format($0.ap(1))) / \(Self.format($0.ap(2)))" } ?? "–" }
            let volume = result(row, .init(delayMs: grid.delaysMs.first ?? 0, noiseMeters: 0))?.volume ?? VolumeTally()
            lines.append("| \(row.rawValue) | \(Self.bytes(volume)) | " + cells.joined(separator: " | ") + " |")
        }
        let noise = [0] + grid.noiseMeters.filter { $0 > 0 }
        lines += ["", "## Pose noise σ (no delay; yaw σ in degrees equal to σ in metres)", ""]
        lines.append("| method | " + noise.map { String(format: "%.1f m", $0) }.joined(separator: " | ") + " |")
        lines.append("|---|" + noise.map { _ in "---:" }.joined(separator: "|") + "|")
        for row in SweepGrid.Row.allCases {
            let cells = noise.map { n in result(row, .init(delayMs: 0, noiseMeters: n)).map { "\(Self.format($0.ap(1))) / \(Self.format($0.ap(2)))" } ?? "–" }
            lines.append("| \(row.rawValue) | " + cells.joined(separator: " | ") + " |")
        }
        lines += ["", "## Full stack vs byte budget (no delay, no noise)", ""]
        lines.append("| budget B | bytes/msg | cells sent | AP@0.5 | AP@0.7 |")
        lines.append("|---:|---:|---:|---:|---:|")
        for r in budgetCurve {
            let fraction = r.volume.meanFractionSent.map { String(format: "%.2f%%", $0 * 100) } ?? "–"
            lines.append("| \(r.setting.budgetBytes ?? grid.stack.budgetBytes) | \(Self.bytes(r.volume)) | \(fraction) | \(Self.format(r.ap(1))) | \(Self.format(r.ap(2))) |")
        }
        return lines.joined(separator: "\n")
    }

    /// The full stack at every budget, smallest first.
    var budgetCurve: [SweepResult] {
        zip(grid.entries, results)
            .filter { $0.0.row == .full && $0.0.condition.delayMs == 0 && $0.0.condition.noiseMeters == 0 }
            .map(\.1)
            .sorted { ($0.setting.budgetBytes ?? grid.stack.budgetBytes) < ($1.setting.budgetBytes ?? grid.stack.budgetBytes) }
    }

    /// One JSON object per cell with stable keys (README, "Sweep output").
    func json() throws -> Data {
        struct Cell: Encodable {
            var method: String, precision: String, payload: String
            var delay_ms: Double, pose_noise_m: Double, budget_bytes: Int?
            var ap30: Double?, ap50: Double?, ap70: Double?
            var num_gt: Int, num_pred: Int, frames: Int
            var bytes_per_message: Double, fraction_sent: Double?
        }
        let cells = zip(grid.entries, results).map { entry, r in
            Cell(method: entry.row.rawValue, precision: r.setting.precision.rawValue, payload: r.setting.payload.rawValue,
                 delay_ms: entry.condition.delayMs, pose_noise_m: entry.condition.noiseMeters,
                 budget_bytes: r.setting.payload == .codedFeatures ? (r.setting.budgetBytes ?? grid.stack.budgetBytes) : nil,
                 ap30: r.ap(0), ap50: r.ap(1), ap70: r.ap(2),
                 num_gt: r.report.overall.groundTruthCount, num_pred: r.report.overall.detectionCount, frames: r.report.frames,
                 bytes_per_message: r.volume.meanBytes, fraction_sent: r.volume.meanFractionSent)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try encoder.encode(cells)
    }

    func plots() throws -> [String: String] {
        func series(_ axis: [Double], _ condition: (Double) -> SweepGrid.Condition) -> [LinePlot.Series] {
            SweepGrid.Row.allCases.map { row in
                LinePlot.Series(name: row.rawValue, points: axis.compactMap { x in
                    result(row, condition(x))?.ap(2).map { SIMD2(x, $0) }
                })
            }
        }
        let delay = LinePlot(title: "AP@0.7 vs message delay (no pose noise)", xLabel: "delay (ms)", yLabel: "AP@0.7",
                             yRange: 0...1, series: series(grid.delaysMs) { .init(delayMs: $0, noiseMeters: 0) })
        let noise = LinePlot(title: "AP@0.7 vs pose noise (no delay)", xLabel: "position σ (m), yaw σ (°) equal", yLabel: "AP@0.7",
                             yRange: 0...1, series: series([0] + grid.noiseMeters.filter { $0 > 0 }) { .init(delayMs: 0, noiseMeters: $0) })
        var bytes = [LinePlot.Series(name: "full stack (budget sweep)", points: budgetCurve.compactMap { r in
            r.ap(2).map { SIMD2(max(r.volume.meanBytes, 1), $0) }
        })]
        for row in [SweepGrid.Row.late, .dense] {
            if let r = result(row, .init(delayMs: 0, noiseMeters: 0)), let ap = r.ap(2) {
                bytes.append(LinePlot.Series(name: row.rawValue, points: [SIMD2(max(r.volume.meanBytes, 1), ap)]))
            }
        }
        let volume = LinePlot(title: "AP@0.7 vs bytes per message (no delay, no noise)", xLabel: "bytes per message",
                              yLabel: "AP@0.7", xScale: .log2, yRange: 0...1, series: bytes)
        return ["ap-vs-delay.svg": try delay.svg(), "ap-vs-noise.svg": try noise.svg(), "ap-vs-bytes.svg": try volume.svg()]
    }

    /// Writes table.md, sweep.json and the plots into `directory` (created if needed).
    func write(to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try (markdown + "\n").write(to: directory.appendingPathComponent("table.md"), atomically: true, encoding: .utf8)
            try json().write(to: directory.appendingPathComponent("sweep.json"), options: .atomic)
            for (name, svg) in try plots() {
                try svg.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
        } catch let error as V2XError {
            throw error
        } catch {
            throw V2XError(.ioFailure, "cannot write the sweep outputs: \(error.localizedDescription)", path: directory.path)
        }
    }
}
