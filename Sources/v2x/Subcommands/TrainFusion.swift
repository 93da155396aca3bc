import ArgumentParser
import Comm
import Foundation
import Fusion
import Metrics
import Perception
import Scenario
import V2XCore

/// `v2x train-fusion`: fine-tunes the detection head on fused maps (encoder frozen) with
/// random message delays, pose noise and payloads, through the same replay path the
/// results table uses; keeps the head that scores best on the validation split.
struct TrainFusion: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-fusion",
        abstract: "Fine-tune the fused-map detection head with fusion in the loop (random delay, pose noise, payload).",
        discussion: """
            Every frame of --data is replayed once per pass, the scenarios interleaved at random: all \
            agents encoded by the frozen model \
            (heading-free frames), coded with the model's codebook, and --samples-per-frame samples \
            drawn: a random vehicle as ego, a delay in 0…--max-delay-ms (in sensor periods), pose \
            noise σ in 0…--max-pose-noise m with probability ½, coded (¾) or dense (¼) features, \
            collaborators dropped with probability ⅙, trust-weighted fusion by --fusion-operator. Targets \
            are the cooperative ground truth of the ego. Training starts from the single-agent head. \
            After each pass the full stack is scored on --val (mean of AP@0.5 and AP@0.7, no delay, no \
            noise, fused by --fusion-operator); a head is written to <model>/fusion-head.safetensors \
            only when it beats both the single-agent head and the folder's current fused-map head.
            """
    )

    @Option(help: "Training scenarios: a scenario or split folder, e.g. data/splits/train.")
    var data: String

    @Option(help: "Validation scenarios, e.g. data/splits/val.")
    var val: String

    @Option(help: "Model folder; default: \(ProjectPaths.defaultModel).")
    var model: String?

    @Option(help: "Passes over the training frames.")
    var passes = 1

    @Option(help: "How the training and validation maps are fused: \(FusionOperator.allCases.map(\.rawValue).joined(separator: ", ")); default: the stack's (attention), as for the shipped head.")
    var fusionOperator: FusionOperator = FusionSettings(mode: .intermediate).fusionOperator

    @Option(help: "Fused samples drawn per training frame.")
    var samplesPerFrame = 3

    @Option(help: "Samples per optimizer step.")
    var batchSize = 4

    @Option(help: "Peak AdamW learning rate (20 warm-up steps, then cosine decay over all passes).")
    var learningRate: Float = 3e-4

    @Option(help: "Largest message delay drawn (ms).")
    var maxDelayMs: Double = 500

    @Option(help: "Largest pose noise σ drawn (m; yaw σ in degrees equal).")
    var maxPoseNoise: Double = 0.4

    @Option(help: "Confidence a sender's cell needs before it is considered for sending, as in replay.")
    var threshold = CellSelector.defaultThreshold

    @Option(help: "Validation frames per scenario (evenly spaced; default all).")
    var valFrames: Int?

    @Option(help: "Seed of the sampling.")
    var seed: UInt64 = 1

    func validate() throws {
        guard passes >= 1, samplesPerFrame >= 1, batchSize >= 1 else { throw ValidationError("--passes, --samples-per-frame and --batch-size must be ≥ 1") }
        guard learningRate > 0, maxDelayMs >= 0, maxPoseNoise >= 0 else { throw ValidationError("--learning-rate must be positive; delays and noise ≥ 0") }
    }

    func run() throws {
        let modelURL = ProjectPaths.modelDirectory(model)
        let base = try BEVDetector.load(from: modelURL)
        let codebook = try FeatureCodebook.load(base: modelURL.appendingPathComponent("codebook"))
        let selector = try CellSelector(threshold: threshold, budgetBytes: CellSelector.defaultBudgetBytes)
        let train = try SplitFolder.open(URL(fileURLWithPath: data))
        let validation = try SplitFolder.open(URL(fileURLWithPath: val))
        let framesPerPass = train.reduce(0) { $0 + $1.frameIDs.count }
        let schedule = LearningRateSchedule(peak: Double(learningRate), warmupSteps: 20,
                                            totalSteps: max(21, passes * framesPerPass * samplesPerFrame / batchSize))
        var trainer = FusionHeadTrainer(detector: base, settings: FusionSettings(mode: .intermediate, fusionOperator: fusionOperator), schedule: schedule)
        let truth = CooperativeGroundTruth()
        var rng = SplitMix64(seed: seed)
        let maxDelayFrames = Int((maxDelayMs / 100).rounded(.down))
        let ingestSetting = ReplaySetting(name: "ingest", fusion: FusionSettings(mode: .intermediate, fusionOperator: fusionOperator), precision: .fp32,
                                          payload: .codedFeatures, delaySeconds: Double(maxDelayFrames) / 10)
        var best = try score(base, base: base, on: validation, codebook: codebook, selector: selector)
        printFlushed(String(format: "pass 0 (single-agent head on fused maps): val full-stack AP@0.5 %.3f AP@0.7 %.3f", best.ap50, best.ap70))
        if let current = try base.loadingFusionHead(from: modelURL) {
            let scored = try score(current, base: base, on: validation, codebook: codebook, selector: selector)
            printFlushed(String(format: "the folder's fused-map head: val full-stack AP@0.5 %.3f AP@0.7 %.3f", scored.ap50, scored.ap70))
            if scored.mean > best.mean { best = scored }
        }
        var bestHead = base
        // Only a head that beats the single-agent head and the folder's current one is written.
        for pass in 1...passes {
            let bar = ProgressBar("train-fusion \(pass)/\(passes)", total: framesPerPass)
            var done = 0, lossSum = 0.0, steps = 0
            var batch: [(ego: AgentObservation, collaborators: [AgentObservation], truth: [Box3D])] = []
            // Scenarios are interleaved (a random one advances by a frame each time) so that
            // batches, and the last steps of a pass, are not all from one scene; each keeps its
            // own replay engine because delays need the frames before.
            var engines = try train.map { source in
                try CooperativeReplay(detector: base, int8Encoder: nil, codebook: codebook, selector: selector,
                                      agentIDs: source.agentIDs, seed: rng.next())
            }
            var nextFrame = [Int](repeating: 0, count: train.count)
            while let s = Self.drawScenario(remaining: train.indices.map { train[$0].frameIDs.count - nextFrame[$0] }, using: &rng) {
                let source = train[s], index = nextFrame[s]
                nextFrame[s] += 1
                let frame = try source.frame(at: index)
                try engines[s].ingest(frame, settings: [ingestSetting])
                let vehicles = frame.agents.filter { $0.kind == .vehicle }
                for _ in 0..<samplesPerFrame {
                    guard let egoFrame = vehicles.randomElement(using: &rng) else { break }
                    let setting = draw(maxDelayFrames: maxDelayFrames, using: &rng)
                    var (ego, collaborators, _, _) = try engines[s].observations(setting, egoID: egoFrame.agentID)
                    collaborators = collaborators.filter { _ in Int.random(in: 0..<6, using: &rng) != 0 }
                    let alignment = HeadingAlignment(lidarPose: egoFrame.lidarPose)
                    let boxes = try truth.entries(for: frame, egoID: egoFrame.agentID).map { $0.box.transformed(by: alignment.lidarToShared) }
                    batch.append((ego, collaborators, boxes))
                    if batch.count == batchSize {
                        lossSum += try trainer.trainStep(batch).total
                        steps += 1
                        batch.removeAll()
                    }
                }
                done += 1
                bar.update(done)
            }
            let scored = try score(trainer.detector, base: base, on: validation, codebook: codebook, selector: selector)
            let improved = scored.mean > best.mean
            printFlushed(String(format: "pass %d: mean loss %.4f over %d steps; val full-stack AP@0.5 %.3f AP@0.7 %.3f%@",
                         pass, lossSum / Double(max(steps, 1)), steps, scored.ap50, scored.ap70, improved ? " (best)" : ""))
            if improved { best = scored; bestHead = trainer.detector }
        }
        guard bestHead != base else {
            print("no pass beat the single-agent head and the folder's fused-map head on val mean AP@0.5/0.7; nothing written")
            return
        }
        try bestHead.saveHead(to: modelURL, metadata: [
            "command": CommandLine.arguments.joined(separator: " "),
            "val_ap50": String(format: "%.4f", best.ap50), "val_ap70": String(format: "%.4f", best.ap70),
        ])
        print("wrote \(modelURL.appendingPathComponent(BEVDetector.fusionHeadFileName).path)")
    }

    /// A scenario index drawn in proportion to its frames not yet replayed this pass (so the
    /// scenarios interleave evenly), or nil when every scenario is done.
    static func drawScenario(remaining: [Int], using rng: inout SplitMix64) -> Int? {
        let total = remaining.reduce(0, +)
        guard total > 0 else { return nil }
        var pick = Int.random(in: 0..<total, using: &rng)
        for (index, count) in remaining.enumerated() {
            if pick < count { return index }
            pick -= count
        }
        return nil
    }

    /// A random training condition: delay in whole sensor periods (half the time none), pose
    /// noise half the time, coded features three times in four.
    func draw(maxDelayFrames: Int, using rng: inout SplitMix64) -> ReplaySetting {
        let delayFrames = Bool.random(using: &rng) ? 0 : Int.random(in: 0...maxDelayFrames, using: &rng)
        let noise = Bool.random(using: &rng) ? 0 : Double.random(in: 0...maxPoseNoise, using: &rng)
        let coded = Int.random(in: 0..<4, using: &rng) != 0
        return ReplaySetting(name: "train", fusion: FusionSettings(mode: .intermediate, fusionOperator: fusionOperator), precision: .fp32,
                             payload: coded ? .codedFeatures : .denseFeatures,
                             delaySeconds: Double(delayFrames) / 10, poseNoise: .matching(positionSigmaMeters: noise))
    }

    /// Full-stack AP (coded, trust, no delay, no noise, fp32) on the validation scenarios with
    /// `head` reading the fused maps and `base` encoding every agent.
    func score(_ head: BEVDetector, base: BEVDetector, on sources: [any ScenarioSource], codebook: FeatureCodebook, selector: CellSelector) throws -> ValidationScore {
        let setting = ReplaySetting(name: "val", fusion: FusionSettings(mode: .intermediate, fusionOperator: fusionOperator), precision: .fp32, payload: .codedFeatures)
        var predictions: [FrameBoxes] = [], groundTruth: [GroundTruthFrame] = []
        let exporter = GroundTruthExporter()
        for source in sources {
            let egoID = try GroundTruthExporter.defaultEgoID(of: source)
            var engine = try CooperativeReplay(detector: base, fusionHead: head, int8Encoder: nil, codebook: codebook, selector: selector, agentIDs: source.agentIDs)
            let count = source.frameIDs.count
            let indices = valFrames.map { n in (0..<min(n, count)).map { $0 * count / min(n, count) } } ?? Array(0..<count)
            for index in indices {
                let frame = try source.frame(at: index)
                guard let ego = frame.agents.first(where: { $0.agentID == egoID }) else { continue }
                groundTruth.append(try exporter.frame(frame, egoID: egoID, scenario: source.name))
                let boxes = try engine.process(frame, egoID: egoID, settings: [setting])[0].boxes
                predictions.append(FrameBoxes(scenario: source.name, frame: frame.frameID, ego: egoID, timestamp: ego.timestamp, boxes: boxes))
            }
        }
        let report = try DetectionEvaluator().evaluate(predictions: predictions, groundTruth: groundTruth)
        let ap = report.overall.averagePrecision
        return ValidationScore(ap50: ap.count > 1 ? ap[1] ?? 0 : 0, ap70: ap.count > 2 ? ap[2] ?? 0 : 0)
    }
}

/// A head's val full-stack AP; heads are compared by the mean of AP@0.5 and AP@0.7 (as
/// `train --select-by ap`).
struct ValidationScore {
    var ap50: Double
    var ap70: Double

    var mean: Double { (ap50 + ap70) / 2 }
}
