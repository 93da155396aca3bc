import ArgumentParser
import Foundation
import Metrics
import Scenario

/// `v2x export-gt`: writes a scenario's cooperative ground truth from one ego's point of
/// view in the detections format, with per-box `ego_points`/`total_points`.
struct ExportGT: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export-gt",
        abstract: "Write a scenario's cooperative ground truth as JSON Lines (the detections format plus visibility).",
        discussion: """
            Ground truth is every annotated object with at least --min-points LiDAR returns inside \
            its box in any agent's sweep, in the ego LiDAR frame. Each box also carries \
            "ego_points" and "total_points", so `v2x eval --gt` can split ego-visible from \
            cooperative-only objects; plain detections readers ignore those keys.
            """
    )

    @Argument(help: "Scenario folder (OPV2V or DAIR-V2X-C).")
    var scenario: String

    @Option(help: "Ego agent (default: the scenario's first vehicle).")
    var ego: String?

    @Option(help: "Output file.")
    var out: String

    @Option(name: .customLong("min-points"), help: "Returns an object needs over all agents to count.")
    var minimumPoints = 1

    func validate() throws {
        if minimumPoints < 1 { throw ValidationError("--min-points must be at least 1") }
    }

    func run() async throws {
        let source = try ScenarioLoader.open(URL(fileURLWithPath: scenario))
        let exporter = GroundTruthExporter(groundTruth: CooperativeGroundTruth(minimumPoints: minimumPoints))
        let bar = ProgressBar("export-gt", total: source.frameIDs.count)
        let frames = try exporter.frames(from: source, egoID: ego) { done, _ in bar.update(done) }
        try GroundTruthFile.write(frames, to: URL(fileURLWithPath: out))
        let boxes = frames.reduce(0) { $0 + $1.record.boxes.count }
        print("wrote \(frames.count) frames, \(boxes) boxes to \(out)")
    }
}
