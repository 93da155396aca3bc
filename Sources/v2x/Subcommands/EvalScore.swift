import ArgumentParser
import Foundation
import Metrics
import Scenario
import V2XCore

/// `v2x eval [score]`: scores a detections file against ground truth (a GT file or a scenario)
/// and prints AP@0.3/0.5/0.7 with breakdowns, optionally with communication volume and
/// latency from their logs. The logic lives in `Metrics` (`DetectionEvaluator`).
struct EvalScore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score detections: AP at BEV IoU 0.3/0.5/0.7 with range, class and visibility breakdowns.",
        discussion: """
            Ground truth comes from --gt (JSON Lines in the detections format, optionally with \
            per-box ego_points/total_points, e.g. from `v2x export-gt`) or from --scenario (the \
            cooperative ground truth: objects with at least one LiDAR return in any agent's \
            sweep, seen from the ego). The JSON output's keys are documented in docs/eval-json.md.
            """
    )

    @Option(help: "Detections, JSON Lines (one record per ego frame, every box with a score).")
    var pred: String

    @Option(help: "Ground truth, JSON Lines in the detections format.")
    var gt: String?

    @Option(help: "Scenario folder (OPV2V or DAIR-V2X-C) to take the cooperative ground truth from.")
    var scenario: String?

    @Option(help: "Ego agent for --scenario (default: the ego named in the detections, else the scenario's first vehicle).")
    var ego: String?

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
        if (gt == nil) == (scenario == nil) { throw ValidationError("give exactly one of --gt and --scenario") }
        if ego != nil && scenario == nil { throw ValidationError("--ego applies to --scenario only") }
        if json && markdown { throw ValidationError("choose one of --json and --markdown") }
        if !(sensorRateHz > 0 && sensorRateHz.isFinite) { throw ValidationError("--sensor-rate must be positive") }
    }

    func run() async throws {
        let predURL = URL(fileURLWithPath: pred)
        let predictions = try DetectionsFile.read(from: predURL)
        let truth: [GroundTruthFrame]
        if let gt {
            truth = try GroundTruthFile.read(from: URL(fileURLWithPath: gt))
        } else {
            let source = try ScenarioLoader.open(URL(fileURLWithPath: scenario ?? ""))
            let egos = Set(predictions.map(\.ego))
            let egoID = try ego ?? (egos.count == 1 ? egos.first : nil) ?? GroundTruthExporter.defaultEgoID(of: source)
            let bar = ProgressBar("ground truth", total: source.frameIDs.count)
            truth = try GroundTruthExporter().frames(from: source, egoID: egoID) { done, _ in bar.update(done) }
        }
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
