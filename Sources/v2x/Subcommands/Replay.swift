import ArgumentParser
import Foundation
import Fusion
import Logging
import Metrics
import Perception
import Scenario
import V2XCore

/// `v2x replay [SCENARIO]`: runs the whole stack in one process over a scenario.
///
/// With no scenario it uses the bundled default, generated deterministically from
/// `scenarios/presets/` on first use and cached under `scenarios/cache/`.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a scenario through the stack in one process and summarise it.",
        discussion: """
            SCENARIO is an OPV2V-layout scenario folder or a DAIR-V2X-C root. Without it the \
            bundled default scenario is used (generated on first use). Writes ground-truth.jsonl \
            and summary.json to --out; with a model (default: models/pillars-centerpoint-vehicle) \
            also detections.jsonl and metrics.json, the ego's detections scored against the \
            cooperative ground truth with the DESIGN.md protocol.
            """
    )

    @Argument(help: "Scenario folder (OPV2V layout or DAIR-V2X-C root); the bundled default when omitted.")
    var scenario: String?

    @Option(help: "Agent that acts as ego (default: the first vehicle in dataset order).")
    var ego: String?

    @Option(help: "Fusion mode: \(FusionMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fusion: FusionMode = .none

    @Option(help: "Model folder (config.json + model.safetensors); default: \(Replay.defaultModel) under the project.")
    var model: String?

    @Flag(help: "Skip detection: ground truth and statistics only.")
    var noDetector = false

    @Option(help: "Folder for replay outputs.")
    var out: String = "out/replay"

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        guard fusion == .none else {
            throw ValidationError("fusion mode '\(fusion.rawValue)' needs the fusion stage, which is not built yet; use --fusion none (the ego's own sweep)")
        }
        let url = try scenario.map { URL(fileURLWithPath: $0) } ?? Self.defaultScenario(logger: logging.makeLogger())
        let source = try ScenarioLoader.open(url)
        let outDirectory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)

        let egoID = try ego ?? GroundTruthExporter.defaultEgoID(of: source)
        // A missing or mismatched model folder is a V2XError naming it.
        let detector = noDetector ? nil : try BEVDetector.load(from: modelDirectory)
        let exporter = GroundTruthExporter()
        var summary = ScenarioSummary()
        var groundTruth: [GroundTruthFrame] = []
        var detections: [FrameBoxes] = []
        let progress = ProgressBar("replay", total: source.frameIDs.count)
        for index in source.frameIDs.indices {
            let frame = try source.frame(at: index)
            guard let egoFrame = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
            let truth = try exporter.frame(frame, egoID: egoID, scenario: source.name)
            summary.add(frame, groundTruth: truth)
            groundTruth.append(truth)
            if let detector {
                detections.append(FrameBoxes(
                    scenario: source.name, frame: frame.frameID, ego: egoID,
                    timestamp: egoFrame.timestamp, boxes: try detector.detect(points: egoFrame.points)
                ))
            }
            progress.update(index + 1)
        }
        try GroundTruthFile.write(groundTruth, to: outDirectory.appendingPathComponent("ground-truth.jsonl"))
        try summary.writeJSON(to: outDirectory.appendingPathComponent("summary.json"), scenario: source.name, ego: egoID)

        print("scenario \(source.name) (\(url.path)), ego \(egoID), fusion \(fusion.rawValue)")
        summary.lines.forEach { print("  " + $0) }
        guard detector != nil else {
            print("detector: skipped (--no-detector); ground truth only")
            print("wrote \(outDirectory.path)/ground-truth.jsonl and summary.json")
            return
        }
        try FrameBoxesFile.write(detections, to: outDirectory.appendingPathComponent("detections.jsonl"))
        let report = try DetectionEvaluator().evaluate(predictions: detections, groundTruth: groundTruth)
        let metricsURL = outDirectory.appendingPathComponent("metrics.json")
        do { try (report.jsonString() + "\n").write(to: metricsURL, atomically: true, encoding: .utf8) } catch {
            throw V2XError(.ioFailure, "cannot write: \(error.localizedDescription)", path: metricsURL.path)
        }
        print("detector: \(modelDirectory.lastPathComponent), ego sweep only (no fusion), \(detections.reduce(0) { $0 + $1.boxes.count }) detections")
        report.lines(markdown: false).forEach { print("  " + $0) }
        print("wrote ground-truth.jsonl, detections.jsonl, summary.json and metrics.json to \(outDirectory.path)")
    }

    /// The shipped model folder, relative to the project root.
    static let defaultModel = "models/pillars-centerpoint-vehicle"

    /// The model folder to load: `--model`, else the shipped one.
    var modelDirectory: URL {
        model.map { URL(fileURLWithPath: $0, isDirectory: true) }
            ?? ProjectPaths.root.appendingPathComponent(Self.defaultModel, isDirectory: true)
    }

    /// The bundled default scenario, generated (with a progress bar) on first use.
    static func defaultScenario(logger: Logger) throws -> URL {
        var bar: ProgressBar?
        return try DefaultScenario.ensure(projectRoot: ProjectPaths.root) { done, total in
            if bar == nil {
                logger.info("generating the default scenario (first use; cached afterwards)")
                bar = ProgressBar("generate", total: total)
            }
            bar?.update(done)
        }
    }
}

extension FusionMode: ExpressibleByArgument {}
