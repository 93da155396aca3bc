import ArgumentParser
import Foundation
import Metrics
import V2XCore

/// `v2x eval`: scores a detections file against ground truth (a GT file or a scenario)
/// and prints AP@0.3/0.5/0.7 with breakdowns, optionally with communication volume and
/// latency from their logs. The logic lives in `Metrics` (`DetectionEvaluator`).
struct Eval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score detections: AP at BEV IoU 0.3/0.5/0.7 with range, class and visibility breakdowns.",
        discussion: """
            Ground truth comes from --gt (JSON Lines in the detections format, optionally with \
            per-box ego_points/total_points, e.g. from `v2x export-gt`). The JSON output's keys \
            are documented in docs/eval-json.md.
            """
    )

    @Option(help: "Detections, JSON Lines (one record per ego frame, every box with a score).")
    var pred: String

    @Option(help: "Ground truth, JSON Lines in the detections format.")
    var gt: String

    @Option(name: .customLong("protocol"), help: "Scoring rules: default (global sort, ±51.2 m) or opencood (per-frame order, x ±140 m, y ±40 m).")
    var evaluationProtocol: EvaluationProtocol = .default

    @Option(help: "Object category to score.")
    var category: ObjectCategory = .vehicle

    @Flag(help: "Print the report as JSON (keys in docs/eval-json.md).")
    var json = false

    @Flag(help: "Print the report as markdown tables.")
    var markdown = false

    @Flag(name: .customLong("per-frame"), help: "Add every frame's counts.")
    var perFrame = false

    @Option(help: "Message log (JSON Lines of message records) to summarise communication volume.")
    var messages: String?

    @Option(help: "Latency log (JSON Lines of latency records) to summarise per-stage percentiles.")
    var latency: String?

    @Option(name: .customLong("sensor-rate"), help: "Frames per second each agent sends, for Mbit/s.")
    var sensorRateHz: Double = 10

    func validate() throws {
        if json && markdown { throw ValidationError("choose one of --json and --markdown") }
        if !(sensorRateHz > 0 && sensorRateHz.isFinite) { throw ValidationError("--sensor-rate must be positive") }
    }

    func run() async throws {
        let predURL = URL(fileURLWithPath: pred)
        let predictions = try DetectionsFile.read(from: predURL)
        let truth = try GroundTruthFile.read(from: URL(fileURLWithPath: gt))
        let options = EvaluationOptions(evaluationProtocol: evaluationProtocol, category: category, perFrame: perFrame)
        var report: EvaluationReport
        do {
            report = try DetectionEvaluator(options: options).evaluate(predictions: predictions, groundTruth: truth)
        } catch var error as V2XError where error.path == nil {
            error.path = predURL.path
            throw error
        }
        if let messages {
            report.communication = CommunicationSummary(
                messages: try MessageLog.read(from: URL(fileURLWithPath: messages)), sensorRateHz: sensorRateHz
            )
        }
        if let latency {
            report.latency = LatencySummary(records: try LatencyLog.read(from: URL(fileURLWithPath: latency)))
        }
        print(json ? try report.jsonString() : report.lines(markdown: markdown).joined(separator: "\n"))
    }
}

extension EvaluationProtocol: ExpressibleByArgument {}
extension ObjectCategory: ExpressibleByArgument {}
