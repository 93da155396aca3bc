import ArgumentParser
import Comm
import Foundation
import Fusion
import Logging
import Perception
import Quant
import Scenario
import V2XCore

/// `v2x bench pipeline`: single-agent points → boxes latency of the fp32 detector, per stage
/// (pillarize, backbone, head, decode, refine), median over frames, and peak RSS. With `--precision
/// int8` or `both`, the encoder (points → BEV features) in int8 and, for `both`, in fp32 on
/// the same sweeps, interleaved, with the ratio and per-layer times and GOPS.
struct BenchPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Time points → boxes (fp32, OpenBLAS) per stage, or the encoder in int8 against fp32; median over frames, peak RSS."
    )

    /// Which encoders to time.
    enum Precision: String, ExpressibleByArgument, CaseIterable {
        case fp32, int8, both
    }

    @Option(help: "Model folder (config.json + model.safetensors); default: freshly initialised weights of the default config.")
    var model: String?
    @Option(help: "Scenario folder whose ego sweeps are timed; default: a synthetic 64-beam sweep.")
    var scenario: String?
    @Option(help: "Timed frames (after 3 warm-up runs).")
    var frames = 30
    @Option(help: "Also time this many training steps (batch 4, augmentation on) and report samples/s; 0 skips.")
    var trainSteps = 0
    @Option(help: "Training worker threads (samples of a batch in parallel, OpenBLAS single-threaded each).")
    var workers = 2
    @Option(help: "fp32: points → boxes per stage; int8: the int8 encoder (points → BEV features) per layer; both: the two encoders on the same sweeps, with the ratio.")
    var precision: Precision = .fp32
    @Option(help: "Int8 calibration table; default: calibration/<model folder name>/int8.json under the project (without --model, calibrated in-process on the benchmark sweeps).")
    var calibration: String?
    @Option(help: "Time the ego's receiving chain (verify → decode → warp + fuse → detect → refine) with this many agents in all (ego + collaborators) on real frames; uses the shipped model and its codebook unless --model, int8 encoders with --precision int8 (table: --calibration or calibration/<model>/int8.json), the default scenario unless --scenario.")
    var agents: Int?
    @Option(help: "With --agents: collaborators' messages are this much older than the ego's sweep (whole frames of the 10 Hz scenario), so motion compensation has cars to move.")
    var delayMs = 0

    func validate() throws {
        if let agents, agents < 2 { throw ValidationError("--agents counts the ego and at least one collaborator") }
        guard delayMs >= 0, delayMs <= 500 else { throw ValidationError("--delay-ms must be in [0, 500] (older messages are stale)") }
        guard frames > 0 else { throw ValidationError("--frames must be positive") }
        if precision != .fp32 && trainSteps > 0 { throw ValidationError("--train-steps applies to --precision fp32 only") }
        if precision == .fp32 && calibration != nil { throw ValidationError("--calibration applies to --precision int8 or both") }
    }

    func run() async throws {
        if let agents {
            try egoChain(agents: agents)
            printPeakRSS()
            return
        }
        do {
            let detector: BEVDetector
            if let model {
                detector = try BEVDetector.load(from: URL(fileURLWithPath: model))
            } else {
                var rng = SplitMix64(seed: 1)
                detector = try BEVDetector(network: DetectorNetwork(config: .default, using: &rng))
            }
            let clouds = try sweeps()
            let meanPoints = clouds.reduce(0) { $0 + $1.count } / max(1, clouds.count)
            if precision != .fp32 {
                try benchEncoders(detector: detector, clouds: clouds, meanPoints: meanPoints)
                printPeakRSS()
                return
            }
            var stages: [[Double]] = Array(repeating: [], count: 6)
            let refiner = BoxRefiner()
            var boxCount = 0
            for i in 0..<(frames + 3) {
                let cloud = clouds[i % clouds.count]
                let t0 = DispatchTime.now().uptimeNanoseconds
                let pillars = detector.pillarizer.pillarize(cloud)
                let scattered = detector.network.pillarEncoder.infer(pillars)
                let t1 = DispatchTime.now().uptimeNanoseconds
                let features = try detector.network.inferBackbone(scattered)
                let t2 = DispatchTime.now().uptimeNanoseconds
                let head = try detector.network.inferHead(features)
                let t3 = DispatchTime.now().uptimeNanoseconds
                let boxes = try detector.decoder.decode(head)
                let t4 = DispatchTime.now().uptimeNanoseconds
                _ = refiner.refine(boxes, points: cloud)
                let t5 = DispatchTime.now().uptimeNanoseconds
                guard i >= 3 else { continue }
                boxCount += boxes.count
                for (s, (a, b)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t4, t5), (t0, t5)].enumerated() {
                    stages[s].append(Double(b - a) / 1e6)
                }
            }
            let names = ["pillarize", "backbone", "head", "decode", "refine", "total"]
            let config = detector.config
            print("bench pipeline: single agent, fp32 OpenBLAS (\(OpenBLASCore.active) kernels), grid \(config.grid.width)×\(config.grid.height) at \(config.grid.cellSizeMeters) m, \(frames) frames, mean \(meanPoints) points, mean \(boxCount / frames) boxes")
            for (name, times) in zip(names, stages) {
                let sorted = times.sorted()
                print(String(format: "  %@ median %7.2f ms   p90 %7.2f ms", name.padding(toLength: 10, withPad: " ", startingAt: 0), sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 9 / 10)]))
            }
            if trainSteps > 0 { try timeTraining(config: config, clouds: clouds) }
            printPeakRSS()
        } catch let error as V2XError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func printPeakRSS() {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        print(String(format: "  peak RSS %.0f MB", Double(usage.ru_maxrss) / 1024))
    }

    /// Times `trainSteps` optimizer steps on the sweeps (boxes: whatever the model
    /// currently detects, so the regression loss is exercised) and prints samples/s.
    private func timeTraining(config: DetectorConfig, clouds: [PointCloud]) throws {
        let options = TrainingOptions(seed: 1, totalSteps: trainSteps + 1, batchSize: 4, warmupSteps: 1)
        var trainer = try Trainer(config: config, options: options)
        let synthetic = BenchPipeline.syntheticBoxes()
        let samples = clouds.map { TrainingSample(points: $0, boxes: synthetic) }
        try trainer.trainStep(trainer.batchIndices(count: samples.count).map { samples[$0] })
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<trainSteps { try trainer.trainStep(trainer.batchIndices(count: samples.count).map { samples[$0] }, workers: workers) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print(String(format: "  training  %.2f samples/s (%d steps of 4, %d workers, forward + backward + AdamW)", Double(trainSteps * 4) / seconds, trainSteps, workers))
    }

    /// Boxes at the synthetic sweep's obstacles.
    static func syntheticBoxes() -> [Box3D] {
        obstacleCentres.map { Box3D(x: $0.0, y: $0.1, z: -1.0, l: 4, w: 4, h: 1.6, yaw: 0, label: .car) }
    }

    static let obstacleCentres: [(Double, Double)] = (0..<24).map { i in
        let a = Double(i) * 2 * .pi / 24
        let r = 8 + Double(i % 6) * 7
        return (r * cos(a), r * sin(a))
    }

    /// Ego sweeps of the scenario, or one synthetic sweep.
    private func sweeps() throws -> [PointCloud] {
        guard let scenario else { return [Self.syntheticSweep()] }
        let source = try ScenarioLoader.open(URL(fileURLWithPath: scenario))
        var clouds: [PointCloud] = []
        for index in source.frameIDs.indices.prefix(frames) {
            let frame = try source.frame(at: index)
            if let ego = frame.agents.first(where: { $0.kind == .vehicle }) ?? frame.agents.first { clouds.append(ego.points) }
        }
        guard !clouds.isEmpty else { throw V2XError(.notFound, "scenario has no frames", path: scenario) }
        return clouds
    }

    /// A 64-beam, 1800-azimuth sweep from 1.8 m over flat ground with a ring of box-shaped
    /// obstacles: about the point count and spread of the generated scenarios' sweeps.
    static func syntheticSweep() -> PointCloud {
        var cloud = PointCloud()
        let sensorHeight = 1.8
        let obstacles = obstacleCentres
        for beam in 0..<64 {
            let elevation = (-25 + Double(beam) * 28 / 63) * .pi / 180
            for step in 0..<1800 {
                let azimuth = Double(step) * 2 * .pi / 1800
                let (dx, dy, dz) = (cos(elevation) * cos(azimuth), cos(elevation) * sin(azimuth), sin(elevation))
                var range = dz < 0 ? sensorHeight / -dz : 120.0
                for (ox, oy) in obstacles {
                    // Crude 2 m-radius cylinder up to 1.6 m above ground.
                    let along = dx * ox + dy * oy
                    guard along > 0 else { continue }
                    let horizontal = (dx * dx + dy * dy).squareRoot()
                    let perp2 = ox * ox + oy * oy - along * along / (horizontal * horizontal)
                    guard perp2 < 4 else { continue }
                    let t = (along / horizontal - (4 - perp2).squareRoot()) / horizontal
                    let z = sensorHeight + dz * t
                    if t > 0, t < range, z >= 0, z <= 1.6 { range = t }
                }
                guard range < 100 else { continue }
                cloud.append(x: Float(dx * range), y: Float(dy * range), z: Float(dz * range), intensity: 0.3)
            }
        }
        return cloud
    }
}

extension BenchPipeline {
    /// Times the int8 encoder (and for `both` the fp32 one first, on the same sweeps), then
    /// each layer of both. Each encoder runs in its own block; OpenBLAS's workers sleep as
    /// soon as an fp32 call ends (`OpenBLASWorkerTimeout`), so they do not take the core the
    /// int8 kernels' second thread needs.
    fileprivate func benchEncoders(detector: BEVDetector, clouds: [PointCloud], meanPoints: Int) throws {
        let (int8, origin) = try int8Encoder(detector: detector, clouds: clouds)
        let both = precision == .both
        func times(_ encode: (PointCloud) throws -> Void) throws -> [Double] {
            var out: [Double] = []
            for i in 0..<(frames + 3) {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try encode(clouds[i % clouds.count])
                if i >= 3 { out.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6) }
            }
            return out
        }
        let fp32Times = both ? try times { _ = try detector.encode($0) } : []
        let int8Times = try times { _ = try int8.encode($0) }
        let config = detector.config
        print("bench pipeline: encoder points → BEV features (\(config.featureGrid.width)×\(config.featureGrid.height)×\(config.featureChannels)), grid \(config.grid.width)×\(config.grid.height) at \(config.grid.cellSizeMeters) m, \(frames) frames, mean \(meanPoints) points")
        print("  int8: kernels \(try KernelISA.selected()), \(ProcessInfo.processInfo.activeProcessorCount) threads, table \(origin), fp32 layers: \(int8.table.keepFP32.isEmpty ? "none" : int8.table.keepFP32.joined(separator: ", "))")
        if both { print(String(format: "  fp32 encoder  median %7.2f ms   p90 %7.2f ms", median(fp32Times), percentile90(fp32Times))) }
        print(String(format: "  int8 encoder  median %7.2f ms   p90 %7.2f ms", median(int8Times), percentile90(int8Times)))
        if both { print(String(format: "  int8 speed-up (fp32 median / int8 median) %.2f×   (target ≥ 3×)", median(fp32Times) / median(int8Times))) }

        var kept = int8.table
        kept.keepFP32 = EncoderLayers.names(for: config)
        for i in kept.layers.indices { kept.layers[i].biasCorrection = nil }
        let reference = both ? try Int8Encoder(detector: detector, table: kept) : nil
        func layerTimes(_ encoder: Int8Encoder) throws -> [[LayerTiming]] {
            try (0..<(frames + 3)).map { try encoder.encodeProfiled(clouds[$0 % clouds.count]).timings }.dropFirst(3).map { $0 }
        }
        let fp32Layers = try reference.map(layerTimes) ?? []
        let int8Layers = try layerTimes(int8)
        print("  per step, median ms (GOPS = 2 × the dense layer's multiply–adds / time; int8 convolutions skip outputs no pillar reaches)")
        print("  step        int8 ms   GOPS" + (both ? "   fp32 ms   GOPS   fp32/int8" : ""))
        for (s, first) in int8Layers[0].enumerated() {
            let q = median(int8Layers.map { $0[s].seconds * 1e3 })
            let gops = first.operations > 0 ? String(format: "%6.0f", first.operations / (q / 1e3) / 1e9) : "     —"
            var line = String(format: "  %@ %7.2f  %@", first.layer.padding(toLength: 10, withPad: " ", startingAt: 0), q, gops)
            if both {
                let f = median(fp32Layers.map { $0[s].seconds * 1e3 })
                let fgops = first.operations > 0 ? String(format: "%6.0f", first.operations / (f / 1e3) / 1e9) : "     —"
                line += String(format: "   %7.2f  %@   %6.2f×", f, fgops, f / q)
            }
            print(line + (first.isInt8 ? "" : (first.operations > 0 ? "  (kept fp32)" : "")))
        }
    }

    /// The int8 encoder and where its table came from.
    private func int8Encoder(detector: BEVDetector, clouds: [PointCloud]) throws -> (Int8Encoder, String) {
        if let path = calibration ?? model.map({ ProjectPaths.root.appendingPathComponent("calibration/\(URL(fileURLWithPath: $0).standardizedFileURL.lastPathComponent)/\(CalibrationTable.fileName)").path }) {
            return (try Int8Encoder.load(detector: detector, calibration: URL(fileURLWithPath: path)), path)
        }
        var calibrator = try EncoderCalibrator(detector: detector)
        for cloud in clouds { try calibrator.observe(cloud) }
        let table = try calibrator.table(model: "random weights", observer: .percentile(), calibrationData: "benchmark sweeps", keepFP32: [])
        return (try Int8Encoder(detector: detector, table: table), "calibrated in-process on the benchmark sweeps (random weights: speed only)")
    }

    /// `--agents`: the ego's receiving chain on real frames (`EgoChainBenchmark`).
    private func egoChain(agents: Int) throws {
        let modelURL = ProjectPaths.modelDirectory(model)
        let fp32Detector = try BEVDetector.load(from: modelURL)
        let table = calibration.map { URL(fileURLWithPath: $0) }
            ?? ProjectPaths.calibrationTable(of: modelURL)
        let int8 = precision != .fp32 && FileManager.default.fileExists(atPath: table.path)
        let encoder: any FeatureEncoder = int8 ? try Int8Encoder.load(detector: fp32Detector, calibration: table) : fp32Detector
        let detector = int8 ? try fp32Detector.withInt8Head() : fp32Detector
        let scenarioURL = try scenario.map { URL(fileURLWithPath: $0) } ?? Replay.defaultScenario(logger: Logger(label: "v2x.bench"))
        try EgoChainBenchmark(
            detector: detector, fusionHead: try detector.loadingFusionHead(from: modelURL) ?? detector,
            encoder: encoder, precision: int8 ? "int8" : "fp32",
            codebook: try FeatureCodebook.load(base: modelURL.appendingPathComponent("codebook")),
            rescorer: try BoxRescorer.load(from: modelURL),
            source: try ScenarioLoader.open(scenarioURL), agents: agents, frames: frames,
            delayFrames: Int((Double(delayMs) / 100).rounded())
        ).run()
    }

    private func median(_ values: [Double]) -> Double { values.sorted()[values.count / 2] }
    private func percentile90(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
    }
}
