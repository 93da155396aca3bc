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

    @OptionGroup var stack: StackOptions

    @Option(help: "Collaborators' messages are this much older than the ego's sweep (ms, scenario clock).")
    var delayMs: Double = 0

    @Option(help: "GNSS-like noise σ on collaborators' reported positions (m), with σ degrees of yaw equal to it.")
    var poseNoise: Double = 0

    @Flag(help: "Skip detection: ground truth and statistics only.")
    var noDetector = false

    @Option(help: "Folder for replay outputs.")
    var out: String = "out/replay"

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard delayMs >= 0, delayMs.isFinite else { throw ValidationError("--delay-ms must be ≥ 0") }
        guard poseNoise >= 0, poseNoise.isFinite else { throw ValidationError("--pose-noise must be ≥ 0") }
    }

    func run() async throws {
        let url = try scenario.map { URL(fileURLWithPath: $0) } ?? Self.defaultScenario(logger: logging.makeLogger())
        let source = try ScenarioLoader.open(url)
        let outDirectory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)

        let egoID = try ego ?? GroundTruthExporter.defaultEgoID(of: source)
        let setting = try stack.setting(name: fusion.rawValue, mode: fusion, delaySeconds: delayMs / 1000, poseNoise: poseNoise)
        // A missing or mismatched model, calibration or codebook is a V2XError naming the file.
        var engine = noDetector ? nil : try stack.replayEngine(agentIDs: source.agentIDs, settings: [setting])
        let exporter = GroundTruthExporter()
        var summary = ScenarioSummary()
        var groundTruth: [GroundTruthFrame] = []
        var detections: [FrameBoxes] = []
        var volume = VolumeTally()
        let progress = ProgressBar("replay", total: source.frameIDs.count)
        for index in source.frameIDs.indices {
            let frame = try source.frame(at: index)
            guard let egoFrame = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
            let truth = try exporter.frame(frame, egoID: egoID, scenario: source.name)
            summary.add(frame, groundTruth: truth)
            groundTruth.append(truth)
            if var running = engine {
                let result = try running.process(frame, egoID: egoID, settings: [setting])[0]
                engine = running
                volume.add(result)
                detections.append(FrameBoxes(
                    scenario: source.name, frame: frame.frameID, ego: egoID, timestamp: egoFrame.timestamp, boxes: result.boxes))
            }
            progress.update(index + 1)
        }
        try GroundTruthFile.write(groundTruth, to: outDirectory.appendingPathComponent("ground-truth.jsonl"))
        try summary.writeJSON(to: outDirectory.appendingPathComponent("summary.json"), scenario: source.name, ego: egoID)

        print("scenario \(source.name) (\(url.path)), ego \(egoID), fusion \(fusion.rawValue)")
        summary.lines.forEach { print("  " + $0) }
        guard engine != nil else {
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
        print("detector: \(stack.modelDirectory.lastPathComponent) \(stack.precision.rawValue), \(setting.payload.rawValue) shared, delay \(Int(delayMs)) ms, pose noise \(poseNoise) m, \(detections.reduce(0) { $0 + $1.boxes.count }) detections")
        if let line = volume.line { print("  " + line) }
        report.lines(markdown: false).forEach { print("  " + $0) }
        print("wrote ground-truth.jsonl, detections.jsonl, summary.json and metrics.json to \(outDirectory.path)")
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
