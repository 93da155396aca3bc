import ArgumentParser
import Foundation
import Perception
import Scenario
import V2XCore

/// `v2x bench pipeline`: single-agent points → boxes latency of the fp32 detector, per stage
/// (pillarize, backbone, head, decode), median over frames, and peak RSS.
struct BenchPipeline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pipeline",
        abstract: "Time points → boxes (fp32, OpenBLAS) per stage; median over frames, peak RSS."
    )

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

    func validate() throws {
        guard frames > 0 else { throw ValidationError("--frames must be positive") }
    }

    func run() async throws {
        AllocatorTuning.retainLargeBuffers()
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
            var stages: [[Double]] = Array(repeating: [], count: 5)
            var boxCount = 0
            for i in 0..<(frames + 3) {
                let cloud = clouds[i % clouds.count]
                let t0 = DispatchTime.now().uptimeNanoseconds
                let pillars = detector.pillarizer.pillarize(cloud)
                let scattered = try detector.network.pillarEncoder.forward(pillars).output
                let t1 = DispatchTime.now().uptimeNanoseconds
                let features = try detector.network.backbone(scattered)
                let t2 = DispatchTime.now().uptimeNanoseconds
                let head = try detector.network.head(features).output
                let t3 = DispatchTime.now().uptimeNanoseconds
                let boxes = try detector.decoder.decode(head)
                let t4 = DispatchTime.now().uptimeNanoseconds
                guard i >= 3 else { continue }
                boxCount += boxes.count
                for (s, (a, b)) in [(t0, t1), (t1, t2), (t2, t3), (t3, t4), (t0, t4)].enumerated() {
                    stages[s].append(Double(b - a) / 1e6)
                }
            }
            let names = ["pillarize", "backbone", "head", "decode", "total"]
            let config = detector.config
            print("bench pipeline: single agent, fp32 OpenBLAS, grid \(config.grid.width)×\(config.grid.height) at \(config.grid.cellSizeMeters) m, \(frames) frames, mean \(meanPoints) points, mean \(boxCount / frames) boxes")
            for (name, times) in zip(names, stages) {
                let sorted = times.sorted()
                print(String(format: "  %@ median %7.2f ms   p90 %7.2f ms", name.padding(toLength: 10, withPad: " ", startingAt: 0), sorted[sorted.count / 2], sorted[min(sorted.count - 1, sorted.count * 9 / 10)]))
            }
            if trainSteps > 0 { try timeTraining(config: config, clouds: clouds) }
            var usage = rusage()
            getrusage(RUSAGE_SELF.rawValue, &usage)
            print(String(format: "  peak RSS %.0f MB", Double(usage.ru_maxrss) / 1024))
        } catch let error as V2XError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
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
