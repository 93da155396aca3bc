import ArgumentParser
import Foundation
import Perception
import Quant
import Scenario
import V2XCore

/// `v2x quantize`: post-training int8 calibration of a detector's encoder. Runs the fp32
/// encoder over sweeps of the train split, picks every layer's input range with an
/// observer, optionally corrects the int8 layers' biases, and writes
/// `calibration/<model>/int8.json` (`CalibrationTable`); `--report`
/// then prints per-layer SQNR of the int8 encoder against fp32 on other sweeps of the same data.
struct Quantize: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Calibrate the detector's encoder for int8 (train split only) and write calibration/<model>/int8.json.",
        discussion: """
            --data is a scenario folder or a split folder holding several; use the train split, \
            never test. Sweeps are sampled evenly over all frames of all scenarios, the agent \
            rotating from one sampled frame to the next (roadside units included, as every \
            agent runs the encoder). Calibration takes even-numbered frames of that sequence; \
            --report compares int8 with fp32 on odd-numbered ones, so the two never share a \
            sweep. Layers: \(EncoderLayers.names(for: .default).joined(separator: ", ")).
            """
    )

    @Option(help: "Model folder (config.json + model.safetensors); default: \(ProjectPaths.defaultModel) under the project.")
    var model: String?
    @Option(help: "Calibration data: a scenario folder or a split folder of scenarios (the train split).")
    var data: String
    @Option(help: "Sweeps to calibrate on.")
    var frames = 256
    @Option(help: "Activation range observer: \(ActivationObserver.Method.allCases.map(\.rawValue).joined(separator: ", ")).")
    var observer: ActivationObserver.Method = .percentile
    @Option(help: "For --observer percentile: the share of each sign's non-zero values kept in range, in percent.")
    var percentile: Double?
    @Option(name: .customLong("keep-fp32"), help: "Comma-separated layers to leave in fp32 (e.g. pillar,upsample).")
    var keepFP32: String?
    @Option(help: "Table to write; default: calibration/<model folder name>/int8.json under the project.")
    var out: String?
    @Option(help: "Sweeps for empirical bias correction of the int8 layers (taken from the calibration sweeps); 0 turns it off.")
    var biasCorrectionFrames = 32
    @Flag(help: "Print per-layer SQNR of int8 against fp32 on held-out sweeps of --data.")
    var report = false
    @Option(help: "Held-out sweeps for --report.")
    var reportFrames = 16

    func validate() throws {
        guard frames > 0, reportFrames > 0 else { throw ValidationError("--frames and --report-frames must be positive") }
        guard biasCorrectionFrames >= 0 else { throw ValidationError("--bias-correction-frames must be ≥ 0") }
        if percentile != nil && observer != .percentile { throw ValidationError("--percentile applies to --observer percentile only") }
    }

    func run() async throws {
        do {
            let modelURL = ProjectPaths.modelDirectory(model)
            let modelName = modelURL.standardizedFileURL.lastPathComponent
            let detector = try BEVDetector.load(from: modelURL)
            let chosen = try ActivationObserver(method: observer, percentile: percentile)
            let kept = keepFP32.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } } ?? []
            let outURL = out.map { URL(fileURLWithPath: $0) }
                ?? ProjectPaths.root.appendingPathComponent("calibration/\(modelName)/\(CalibrationTable.fileName)")

            let sweeps = try SweepSampler(data: URL(fileURLWithPath: data))
            var calibrator = try EncoderCalibrator(detector: detector)
            let calibrationSweeps = sweeps.picks(count: frames, parity: 0)
            let bar = ProgressBar("calibrate", total: calibrationSweeps.count)
            for (done, pick) in calibrationSweeps.enumerated() {
                try calibrator.observe(sweeps.points(at: pick))
                bar.update(done + 1)
            }
            var table = try calibrator.table(model: modelName, observer: chosen, calibrationData: data, keepFP32: kept)
            var corrected = "off"
            if biasCorrectionFrames > 0 {
                let picks = sweeps.picks(count: biasCorrectionFrames, parity: 0)
                let correctionBar = ProgressBar("load bias-correction sweeps", total: picks.count)
                let clouds = try picks.enumerated().map { done, pick in
                    defer { correctionBar.update(done + 1) }
                    return try sweeps.points(at: pick)
                }
                table = try calibrator.correctingBiases(of: table, on: clouds)
                corrected = "on \(clouds.count) of them"
            }
            try table.write(to: outURL)
            print("calibrated \(modelName) on \(calibrator.frames) sweeps of \(data) (\(sweeps.frameCount) frames in \(sweeps.scenarioCount) scenarios), observer \(chosen), bias correction \(corrected)")
            print("layer       precision  observed range          chosen range            scale       zero point")
            for layer in table.layers {
                print(String(format: "%@ %@  [%9.4f, %9.4f]  [%9.4f, %9.4f]  %.4e  %d",
                             layer.name.padding(toLength: 11, withPad: " ", startingAt: 0),
                             (table.keepFP32.contains(layer.name) ? "fp32" : "int8").padding(toLength: 9, withPad: " ", startingAt: 0),
                             layer.observedMin, layer.observedMax, layer.rangeMin, layer.rangeMax, layer.scale, layer.zeroPoint))
            }
            print("wrote \(outURL.path)")
            if report { try printReport(detector: detector, table: table, sweeps: sweeps) }
        } catch let error as V2XError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// Per-layer SQNR on held-out sweeps (odd-numbered picks).
    private func printReport(detector: BEVDetector, table: CalibrationTable, sweeps: SweepSampler) throws {
        let encoder = try Int8Encoder(detector: detector, table: table)
        var quantizationReport = try QuantizationReport(detector: detector, encoder: encoder)
        let held = sweeps.picks(count: reportFrames, parity: 1)
        let bar = ProgressBar("report", total: held.count)
        for (done, pick) in held.enumerated() {
            try quantizationReport.add(sweeps.points(at: pick))
            bar.update(done + 1)
        }
        print("SQNR of int8 against fp32 on \(quantizationReport.frames) held-out sweeps (dB; isolated: the layer alone on fp32 input; cumulative: inside the int8 encoder)")
        print("layer       precision  isolated  cumulative")
        for row in quantizationReport.rows {
            let isolated = row.isolated.map { String(format: "%8.2f", $0.decibels) } ?? "       —"
            print(String(format: "%@ %@  %@  %8.2f", row.name.padding(toLength: 11, withPad: " ", startingAt: 0),
                         (row.isInt8 ? "int8" : "fp32").padding(toLength: 9, withPad: " ", startingAt: 0),
                         isolated, row.cumulative.decibels))
        }
    }
}

extension ActivationObserver.Method: ExpressibleByArgument {}

/// Sweeps spread over a split: every frame of every scenario in one sequence; a pick is a
/// frame of it and the agent whose sweep to use, rotating over the frame's agents.
struct SweepSampler {
    private let sources: [any ScenarioSource]
    /// `(source, frame index)` in sequence order.
    private let frames: [(source: Int, frame: Int)]

    var frameCount: Int { frames.count }
    var scenarioCount: Int { sources.count }

    /// - Throws: `V2XError` when `data` is neither a scenario nor a folder of scenarios, or holds no frame.
    init(data: URL) throws {
        let sources = try SplitFolder.open(data)
        self.sources = sources
        frames = sources.indices.flatMap { s in sources[s].frameIDs.indices.map { (s, $0) } }
        guard !frames.isEmpty else { throw V2XError(.notFound, "no frames", path: data.path) }
    }

    /// Up to `count` picks evenly spaced over the frames whose sequence number has `parity`
    /// (0: even, 1: odd); the `k`-th pick uses agent `k` modulo the frame's agent count.
    func picks(count: Int, parity: Int) -> [(frame: Int, agent: Int)] {
        let candidates = Swift.stride(from: parity, to: frames.count, by: 2).map { $0 }
        let n = Swift.min(count, candidates.count)
        return (0..<n).map { k in (candidates[k * candidates.count / n], k) }
    }

    /// The sweep of a pick, in its sensor frame.
    func points(at pick: (frame: Int, agent: Int)) throws -> PointCloud {
        let (s, f) = frames[pick.frame]
        let frame = try sources[s].frame(at: f)
        guard !frame.agents.isEmpty else { throw V2XError(.notFound, "frame \(frame.frameID) of \(sources[s].name) has no agents") }
        return frame.agents[pick.agent % frame.agents.count].points
    }
}
