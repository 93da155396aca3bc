import ArgumentParser
import Foundation
import Fusion
import Logging
import Metrics
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
            and summary.json to --out.
            """
    )

    @Argument(help: "Scenario folder (OPV2V layout or DAIR-V2X-C root); the bundled default when omitted.")
    var scenario: String?

    @Option(help: "Agent that acts as ego (default: the first vehicle in dataset order).")
    var ego: String?

    @Option(help: "Fusion mode: \(FusionMode.allCases.map(\.rawValue).joined(separator: ", ")).")
    var fusion: FusionMode = .none

    @Option(help: "Folder for replay outputs.")
    var out: String = "out/replay"

    @OptionGroup var logging: LoggingOptions

    func run() async throws {
        guard fusion == .none else {
            throw ValidationError("fusion mode '\(fusion.rawValue)' needs the detector and fusion stages, which are not built yet; use --fusion none")
        }
        let url = try scenario.map { URL(fileURLWithPath: $0) } ?? Self.defaultScenario(logger: logging.makeLogger())
        let source = try ScenarioLoader.open(url)
        let outDirectory = URL(fileURLWithPath: out)
        try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)

        let egoID = try ego ?? GroundTruthExporter.defaultEgoID(of: source)
        let exporter = GroundTruthExporter()
        var summary = ScenarioSummary()
        var groundTruth: [GroundTruthFrame] = []
        let progress = ProgressBar("replay", total: source.frameIDs.count)
        for index in source.frameIDs.indices {
            let frame = try source.frame(at: index)
            guard frame.agents.contains(where: { $0.agentID == egoID }) else { continue }
            let truth = try exporter.frame(frame, egoID: egoID, scenario: source.name)
            summary.add(frame, groundTruth: truth)
            groundTruth.append(truth)
            progress.update(index + 1)
        }
        try GroundTruthFile.write(groundTruth, to: outDirectory.appendingPathComponent("ground-truth.jsonl"))
        try summary.writeJSON(to: outDirectory.appendingPathComponent("summary.json"), scenario: source.name, ego: egoID)

        print("scenario \(source.name) (\(url.path)), ego \(egoID)")
        summary.lines.forEach { print("  " + $0) }
        print("detector: no trained model is shipped yet, so no detections are produced (ground truth only)")
        print("wrote \(outDirectory.path)/ground-truth.jsonl and summary.json")
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
