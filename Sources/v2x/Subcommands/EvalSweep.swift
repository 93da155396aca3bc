import ArgumentParser
import Foundation
import Fusion
import Metrics
import Scenario
import V2XCore

/// `v2x eval sweep`: the results table of the stack — every fusion mode (and the full stack
/// with and without trust) at several message delays, pose-noise levels and byte budgets,
/// replayed in one process over held-out scenarios and scored with the DESIGN.md protocol.
struct EvalSweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Replay a grid of settings (fusion mode, delay, pose noise, byte budget) and write one table plus plots.",
        discussion: """
            SCENARIO arguments are scenario folders or split folders (default: data/splits/test under \
            the project, made by `make data`). Rows: no fusion, late (TCLF), early, intermediate fp32 \
            uncompressed (selection, no trust), full stack without trust (no trust weights, no motion \
            compensation), full stack without motion compensation, full stack (int8 when calibrated, \
            codebook, trust, motion compensation, pose correction), full stack without pose correction. \
            Conditions: each --delays value at no pose noise, each --noise value at no delay, each \
            --budgets value for the full stack at no delay and no noise. Every agent \
            is encoded once per frame and precision; all settings reuse those encodings. Writes \
            table.md, sweep.json, ap-vs-delay.svg, ap-vs-noise.svg and ap-vs-bytes.svg to --out.
            """
    )

    @Argument(help: "Scenario or split folders; default: data/splits/test under the project.")
    var scenarios: [String] = []

    @Option(help: "Message delays in ms, comma-separated.")
    var delays = "0,100,200,300,500"

    @Option(help: "Pose noise σ in metres (yaw σ in degrees equal to it), comma-separated.")
    var noise = "0,0.2,0.4"

    @Option(help: "Full-stack byte budgets for the AP-vs-bytes curve, comma-separated.")
    var budgets = "1024,2048,4096,8192,16384"

    @Option(help: "Use at most this many frames of each scenario (evenly spaced from the start; default all).")
    var framesPerScenario: Int?

    @OptionGroup var stack: StackOptions

    @Option(help: "Precision of the full-stack rows (the baselines run fp32).")
    var fullPrecision: EncoderPrecision = .int8

    @Option(help: "Folder for the table, JSON and plots.")
    var out = "out/sweep"

    func validate() throws {
        _ = try parsedDelays(); _ = try parsedNoise(); _ = try parsedBudgets()
        if let framesPerScenario, framesPerScenario < 1 { throw ValidationError("--frames-per-scenario must be ≥ 1") }
    }

    func run() throws {
        let folders = scenarios.isEmpty ? [ProjectPaths.root.appendingPathComponent("data/splits/test").path] : scenarios
        var sources: [any ScenarioSource] = []
        for folder in folders {
            do { sources += try SplitFolder.open(URL(fileURLWithPath: folder)) } catch let error as V2XError where error.code == .notFound && scenarios.isEmpty {
                throw V2XError(.notFound, "no test split yet: run `make data` (generates data/splits from scenarios/splits.yaml)", path: folder)
            }
        }
        let grid = try SweepGrid(
            delaysMs: parsedDelays(), noiseMeters: parsedNoise(), budgets: parsedBudgets(),
            stack: stack, fullPrecision: fullPrecision)
        let settings = grid.settings
        var predictions = [[FrameBoxes]](repeating: [], count: settings.count)
        var volumes = [VolumeTally](repeating: VolumeTally(), count: settings.count)
        var truth: [GroundTruthFrame] = []
        let exporter = GroundTruthExporter()
        let frameLists = sources.map { frameIndices(of: $0) }
        let bar = ProgressBar("sweep", total: frameLists.reduce(0) { $0 + $1.count })
        var done = 0
        for (source, frames) in zip(sources, frameLists) {
            let egoID = try GroundTruthExporter.defaultEgoID(of: source)
            var engine = try stack.replayEngine(agentIDs: source.agentIDs, settings: settings)
            for index in frames {
                let frame = try source.frame(at: index)
                guard let egoFrame = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
                truth.append(try exporter.frame(frame, egoID: egoID, scenario: source.name))
                for (i, result) in try engine.process(frame, egoID: egoID, settings: settings).enumerated() {
                    predictions[i].append(FrameBoxes(scenario: source.name, frame: frame.frameID, ego: egoID, timestamp: egoFrame.timestamp, boxes: result.boxes))
                    volumes[i].add(result)
                }
                done += 1
                bar.update(done)
            }
        }
        let evaluator = DetectionEvaluator()
        var results: [SweepResult] = []
        for (i, setting) in settings.enumerated() {
            let report = try evaluator.evaluate(predictions: predictions[i], groundTruth: truth)
            results.append(SweepResult(setting: setting, report: report, volume: volumes[i]))
        }
        let outDirectory = URL(fileURLWithPath: out)
        let table = SweepTable(results: results, grid: grid, scenarios: sources.map(\.name), frames: truth.count)
        try table.write(to: outDirectory)
        print(table.markdown)
        print("wrote table.md, sweep.json and the plots to \(outDirectory.path)")
    }

    /// The frames replayed of one scenario: all, or the first `--frames-per-scenario`.
    func frameIndices(of source: any ScenarioSource) -> [Int] {
        Array(source.frameIDs.indices.prefix(framesPerScenario ?? source.frameIDs.count))
    }

    func parsedDelays() throws -> [Double] { try Self.list(delays, "--delays") }
    func parsedNoise() throws -> [Double] { try Self.list(noise, "--noise") }
    func parsedBudgets() throws -> [Int] {
        try Self.list(budgets, "--budgets").map {
            guard $0 >= 256, $0 == $0.rounded() else { throw ValidationError("--budgets are whole byte counts ≥ 256") }
            return Int($0)
        }
    }

    /// Non-negative finite numbers, comma-separated.
    static func list(_ text: String, _ name: String) throws -> [Double] {
        let values = text.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard !values.isEmpty, values.allSatisfy({ $0 != nil && $0!.isFinite && $0! >= 0 }) else {
            throw ValidationError("\(name) takes non-negative numbers separated by commas, got '\(text)'")
        }
        return values.map { $0! }
    }
}
