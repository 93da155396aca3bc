import ArgumentParser
import Foundation
import Metrics
import Perception
import Scenario
import V2XCore

/// `v2x train`: trains the BEV detector on a generated (OPV2V-layout) train split, keeps the
/// checkpoint that scores best on the val split, and writes single-agent detections on the
/// test split for `v2x eval`.
///
/// Run folder (`--out`): `checkpoint.safetensors` (resumable, every `--checkpoint-every`
/// steps), `best/` (a model folder: `config.json` + `model.safetensors`),
/// `test-detections.jsonl` (ego = each frame's first vehicle) with ground truth beside it
/// (`test-gt-ego5.jsonl`, `test-gt-cooperative.jsonl`).
struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train the BEV LiDAR detector (fp32, OpenBLAS); select on val, detect on test."
    )

    @Option(help: "Train split folder (one subfolder per scenario) or a single scenario.")
    var train: String?
    @Option(help: "Validation split folder or scenario: picks the best checkpoint.")
    var val: String?
    @Option(help: "Test split folder or scenario: writes test-detections.jsonl with the best model.")
    var test: String?
    @Option(help: "Run folder for checkpoints, the best model and test detections.")
    var out: String
    @Flag(help: "Continue from <out>/checkpoint.safetensors with its stored options.")
    var resume = false
    @Option(help: "Start from this model folder's weights (fine-tuning) instead of a random initialisation.")
    var initFrom: String?
    @Option(help: "How the head codes yaw: axis (sin/cos of 2·yaw, the default) or direction (sin/cos of yaw).")
    var headingCode: DetectorConfig.HeadingCode = .axis
    @Flag(help: "Skip training; write test detections with <out>/best.")
    var testOnly = false
    @Option(help: "Random seed (initialisation, shuffling, augmentation).")
    var seed: UInt64 = 1
    @Option(help: "Optimizer steps in the whole run (default 4000); with --resume, extends or shortens the stored schedule.")
    var steps: Int?
    @Option(help: "Samples per step.")
    var batch = 4
    @Option(help: "Peak learning rate (AdamW, warm-up then cosine decay).")
    var lr = 2e-3
    @Option(help: "Warm-up steps.")
    var warmup = 200
    @Option(help: "Decoupled weight decay.")
    var weightDecay = 0.01
    @Option(help: "Largest global rotation of the augmentation, degrees (180 = any heading).")
    var maxRotationDegrees = 45.0
    @Option(help: "Validate every N steps.")
    var validateEvery = 250
    @Option(help: "Write a resumable checkpoint every N steps.")
    var checkpointEvery = 50
    @Option(help: "Use at most N validation samples (evenly spaced).")
    var valSamples = 200
    @Flag(inversion: .prefixedNo, help: "Refit the test detections to the ego's own returns (L-shape fitting, BoxRefiner).")
    var refineBoxes = true
    @Option(help: "Agents whose sweeps become training samples.")
    var agents: ScenarioSamples.Agents = .vehicles
    @Option(help: "Checkpoint selection on val: ap (mean of AP@0.5 and AP@0.7, higher is better) or loss.")
    var selectBy: Selection = .ap
    @Option(help: "Worker threads: samples of a batch in parallel, OpenBLAS single-threaded in each.")
    var workers = 2
    @Option(help: "Stop cleanly (checkpoint written) after this many minutes; 0 means no limit.")
    var stopAfterMinutes = 0.0

    func validate() throws {
        if !testOnly && (train == nil || val == nil) { throw ValidationError("--train and --val are required unless --test-only") }
        if testOnly && test == nil { throw ValidationError("--test-only needs --test") }
        if resume && initFrom != nil { throw ValidationError("--init-from starts a new run; it cannot be combined with --resume") }
        guard (steps ?? 1) > 0, batch > 0, lr > 0, warmup >= 0, validateEvery > 0, checkpointEvery > 0, valSamples > 0, stopAfterMinutes >= 0,
              (0...180).contains(maxRotationDegrees) else {
            throw ValidationError("counts and rates must be positive; --max-rotation-degrees in 0...180")
        }
    }

    func run() async throws {
        let runURL = URL(fileURLWithPath: out)
        let bestURL = runURL.appendingPathComponent(Trainer.bestModelFolderName)
        do {
            if !testOnly { try trainModel(runURL: runURL) }
            if let test {
                let detector = try BEVDetector.load(from: bestURL)
                let url = runURL.appendingPathComponent("test-detections.jsonl")
                let count = try writeDetections(detector: detector, split: URL(fileURLWithPath: test), to: url)
                print("wrote \(count) frames of test detections to \(url.path)")
            }
        } catch let error as V2XError {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    private func trainModel(runURL: URL) throws {
        guard let train, let val else { return }
        var trainer: Trainer
        let checkpointURL = runURL.appendingPathComponent(Trainer.checkpointFileName)
        if resume {
            var checkpoint = try Checkpoint.read(from: checkpointURL)
            if let steps { checkpoint.options.totalSteps = steps }
            trainer = try Trainer(checkpoint: checkpoint)
            print("resuming at step \(trainer.step) of \(trainer.options.totalSteps)")
        } else {
            let options = TrainingOptions(
                seed: seed, totalSteps: steps ?? 4000, batchSize: batch, learningRate: lr, warmupSteps: warmup,
                weightDecay: weightDecay,
                augmentation: Augmentation(flipProbability: Augmentation.standard.flipProbability, maxRotationRadians: maxRotationDegrees * .pi / 180,
                                           minScale: Augmentation.standard.minScale, maxScale: Augmentation.standard.maxScale),
                validateEverySteps: validateEvery, checkpointEverySteps: checkpointEvery
            )
            if let initFrom {
                let start = try BEVDetector.load(from: URL(fileURLWithPath: initFrom))
                var config = start.config
                config.formatVersion = DetectorConfig.currentFormatVersion
                config.headingCode = headingCode
                trainer = try Trainer(startingFrom: start.network, config: config, options: options)
                print("starting from \(initFrom) (heading code \(headingCode.rawValue))")
            } else {
                var config = DetectorConfig.default
                config.headingCode = headingCode
                trainer = try Trainer(config: config, options: options)
            }
        }
        let trainSamples = try loadSamples(train, label: "load train", agents: agents).samples
        let allVal = try loadSamples(val, label: "load val", agents: .ego).samples
        let stride = max(1, allVal.count / valSamples)
        let valSet = Swift.stride(from: 0, to: allVal.count, by: stride).prefix(valSamples).map { allVal[$0] }
        print("train samples \(trainSamples.count), val samples \(valSet.count) (of \(allVal.count)); parameters \(trainer.network.tensors.reduce(0) { $0 + $1.elementCount })")
        let bar = ProgressBar("train", total: trainer.options.totalSteps)
        let deadline = stopAfterMinutes > 0 ? Date().addingTimeInterval(stopAfterMinutes * 60) : nil
        let loss = trainer.loss
        try trainer.run(
            training: trainSamples, runDirectory: runURL, workers: workers,
            modelMetadata: ["command": CommandLine.arguments.joined(separator: " ")],
            validate: { detector in
                switch selectBy {
                case .loss: try Trainer.negativeMeanLoss(of: detector, on: valSet, loss: loss)
                case .ap: try Self.validationAP(detector, valSet)
                }
            },
            progress: { p in
                bar.update(p.step, note: String(format: "loss %.3f (hm %.3f reg %.3f)  %.1f samples/s  lr %.2e",
                                                p.loss.total, p.loss.heatmap, p.loss.regression, p.samplesPerSecond, p.learningRate))
            },
            validated: { r in
                let what = selectBy == .loss ? "val loss" : "val mean AP@0.5/0.7"
                let value = selectBy == .loss ? -r.score : r.score
                FileHandle.standardError.write(Data(String(format: "\nstep %d: %@ %.4f%@\n", r.step, what, value, r.isBest ? " (best, saved)" : "").utf8))
            },
            shouldStop: { deadline.map { Date() >= $0 } ?? false }
        )
        print("stopped at step \(trainer.step) of \(trainer.options.totalSteps); checkpoint \(checkpointURL.path)")
    }

    /// How the best checkpoint is chosen.
    enum Selection: String, ExpressibleByArgument, CaseIterable {
        case ap, loss
    }

    /// Mean of AP@0.5 and AP@0.7 (DESIGN.md protocol, vehicles) of single-agent detections on
    /// the val samples against their ego-visible boxes.
    static func validationAP(_ detector: BEVDetector, _ samples: [TrainingSample]) throws -> Double {
        var predictions: [FrameBoxes] = [], truth: [GroundTruthFrame] = []
        for (i, sample) in samples.enumerated() {
            func record(_ boxes: [Box3D]) -> FrameBoxes {
                FrameBoxes(scenario: "val", frame: String(i), ego: "ego", timestamp: Timestamp(nanoseconds: 0), boxes: boxes)
            }
            predictions.append(record(try detector.detect(points: sample.points)))
            truth.append(GroundTruthFrame(record: record(sample.boxes)))
        }
        let ap = try DetectionEvaluator().evaluate(predictions: predictions, groundTruth: truth).overall.averagePrecision
        guard ap.count == 3 else { return 0 }
        return ((ap[1] ?? 0) + (ap[2] ?? 0)) / 2
    }

    private func loadSamples(_ path: String, label: String, agents: ScenarioSamples.Agents) throws -> ScenarioSamples {
        let sources = try SplitFolder.open(URL(fileURLWithPath: path))
        let bar = ProgressBar(label, total: sources.reduce(0) { $0 + $1.frameIDs.count })
        return try ScenarioSamples(sources: sources, agents: agents) { done, _ in bar.update(done) }
    }

    /// Single-agent detections (each frame's first vehicle as ego) for every frame of a split,
    /// and two ground-truth files in the same format for `v2x eval --gt`:
    /// `test-gt-ego5.jsonl` (objects with ≥ 5 returns in the ego's own sweep) and
    /// `test-gt-cooperative.jsonl` (every object with a return in any agent's sweep).
    private func writeDetections(detector: BEVDetector, split: URL, to url: URL) throws -> Int {
        let sources = try SplitFolder.open(split)
        let bar = ProgressBar("detect test", total: sources.reduce(0) { $0 + $1.frameIDs.count })
        let truth = CooperativeGroundTruth()
        var records: [FrameBoxes] = [], egoVisible: [FrameBoxes] = [], cooperative: [FrameBoxes] = []
        for source in sources {
            for index in source.frameIDs.indices {
                let frame = try source.frame(at: index)
                guard let ego = frame.agents.first(where: { $0.kind == .vehicle }) ?? frame.agents.first else { continue }
                var boxes = try detector.detect(points: ego.points)
                if refineBoxes { boxes = BoxRefiner().refine(boxes, points: ego.points) }
                func record(_ b: [Box3D]) -> FrameBoxes {
                    FrameBoxes(scenario: source.name, frame: frame.frameID, ego: ego.agentID, timestamp: ego.timestamp, boxes: b)
                }
                records.append(record(boxes))
                let entries = try truth.entries(for: frame, egoID: ego.agentID)
                egoVisible.append(record(entries.filter { $0.egoPoints >= 5 }.map(\.box)))
                cooperative.append(record(entries.map(\.box)))
                bar.update(records.count)
            }
        }
        try FrameBoxesFile.write(records, to: url)
        let folder = url.deletingLastPathComponent()
        try FrameBoxesFile.write(egoVisible, to: folder.appendingPathComponent("test-gt-ego5.jsonl"))
        try FrameBoxesFile.write(cooperative, to: folder.appendingPathComponent("test-gt-cooperative.jsonl"))
        return records.count
    }
}

extension ScenarioSamples.Agents: ExpressibleByArgument {}
extension DetectorConfig.HeadingCode: ExpressibleByArgument {}
