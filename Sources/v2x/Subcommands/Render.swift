import ArgumentParser
import Foundation
import Metrics
import Scenario
import V2XCore

/// `v2x render`: a BEV picture per frame (points by agent, ground truth, detections, agent
/// poses) and a contact sheet of them. Drawing lives in `Metrics` (`BEVRenderer`).
struct Render: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Draw BEV pictures (PNG) of scenario frames with ground truth and detections, plus a contact sheet.",
        discussion: """
            Writes <out>/<frame>.png for every selected frame and <out>/sheet.png tiling the first \
            \(Render.sheetLimit) of them. \
            Forward (+x) is up; green boxes are the cooperative ground truth, red boxes detections \
            with their scores; rings mark 30 m and 50 m.
            """
    )

    @Argument(help: "Scenario folder (OPV2V or DAIR-V2X-C).")
    var scenario: String

    @Option(help: "Ego agent (default: the scenario's first vehicle).")
    var ego: String?

    @Option(help: "Detections to draw (JSON Lines); records of other scenarios or egos are ignored.")
    var pred: String?

    @Option(help: "Frames: names or indices, comma-separated; a..b for an index range (default: all).")
    var frames: String?

    @Option(help: "Output folder (created if needed).")
    var out: String

    @Option(name: .customLong("pixels-per-meter"), help: "Picture scale.")
    var pixelsPerMeter: Double = 8

    @Option(name: .customLong("sheet-columns"), help: "Tiles per row of the contact sheet.")
    var sheetColumns = 4

    @Option(name: .customLong("sheet-shrink"), help: "Each tile of the contact sheet is shrunk by this factor.")
    var sheetShrink = 3

    @Flag(help: "Draw the cells collaborators send (coded, selected by confidence within the budget) as a heat layer, computed by running their nodes' stack on each frame.")
    var sentCells = false

    @OptionGroup(title: "The stack whose messages --sent-cells draws") var stack: StackOptions

    @OptionGroup var logging: LoggingOptions

    /// Frames at most on the contact sheet (it stays a readable picture, and memory bounded).
    static let sheetLimit = 16

    func validate() throws {
        if !(pixelsPerMeter > 0 && pixelsPerMeter <= 40) { throw ValidationError("--pixels-per-meter must be in (0, 40]") }
        if sheetColumns < 1 || sheetShrink < 1 { throw ValidationError("--sheet-columns and --sheet-shrink must be at least 1") }
    }

    func run() async throws {
        let source = try ScenarioLoader.open(URL(fileURLWithPath: scenario))
        let egoID = try ego ?? GroundTruthExporter.defaultEgoID(of: source)
        let indices = try frames.map { try FrameSelection.parse($0, frameIDs: source.frameIDs) } ?? Array(source.frameIDs.indices)
        var detections: [String: [Box3D]] = [:]
        if let pred {
            let records = try DetectionsFile.read(from: URL(fileURLWithPath: pred))
            for record in records where record.scenario == source.name && record.ego == egoID {
                detections[record.frame] = record.boxes
            }
            if detections.isEmpty && !records.isEmpty {
                logging.makeLogger().warning("no detections record is for scenario \"\(source.name)\" and ego \"\(egoID)\"; drawing none")
            }
        }
        let outURL = URL(fileURLWithPath: out, isDirectory: true)
        do { try FileManager.default.createDirectory(at: outURL, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create folder: \(error.localizedDescription)", path: outURL.path)
        }
        let renderer = try BEVRenderer(pixelsPerMeter: pixelsPerMeter)
        let exporter = GroundTruthExporter()
        let sentSetting = try stack.setting(name: "sent cells", mode: .intermediate, delaySeconds: 0, poseNoise: 0)
        var engine = sentCells ? try stack.replayEngine(agentIDs: source.agentIDs, settings: [sentSetting]) : nil
        let bar = ProgressBar("render", total: indices.count)
        var pictures: [RasterCanvas] = []
        for (done, index) in indices.enumerated() {
            let frame = try source.frame(at: index)
            let truth = try exporter.frame(frame, egoID: egoID, scenario: source.name)
            var heat: CellHeatLayer?
            if var running = engine, let egoFrame = frame.agents.first(where: { $0.agentID == egoID }) {
                try running.ingest(frame, settings: [sentSetting])
                let received = try running.observations(sentSetting, egoID: egoID).collaborators
                heat = try SentCellsHeat.layer(collaborators: received, grid: running.detector.config.featureGrid, egoLidarPose: egoFrame.lidarPose)
                engine = running
            }
            let scene = try BEVScene(
                frame: frame, egoID: egoID, title: "\(source.name) \(frame.frameID) EGO \(egoID)",
                groundTruth: truth.record.boxes, detections: detections[frame.frameID] ?? [], heat: heat
            )
            let picture = try renderer.render(scene)
            try PNGCodec.write(picture, to: outURL.appendingPathComponent("\(frame.frameID).png"))
            if pictures.count < Self.sheetLimit { pictures.append(picture) }
            bar.update(done + 1)
        }
        if !pictures.isEmpty {
            let sheet = try ContactSheet.compose(
                pictures, captions: indices.prefix(pictures.count).map { source.frameIDs[$0] },
                columns: sheetColumns, shrink: sheetShrink
            )
            try PNGCodec.write(sheet, to: outURL.appendingPathComponent("sheet.png"))
        }
        print("wrote \(indices.count) pictures and sheet.png (\(pictures.count) tiles) to \(out)")
    }
}
