import COpenBLAS
import Foundation
import V2XCore

/// Trains a `BEVDetector` with forward and backward passes in Swift on OpenBLAS.
///
/// One step: for each of `batchSize` samples (drawn from a per-epoch shuffle), augment →
/// pillarize → `encode` → `fusion` → `head` → CenterPoint targets and loss → backward through
/// head, fusion and encoder; average the gradients; one AdamW update at the scheduled rate.
/// Shuffles and augmentation draws come from sub-streams of the seed keyed by epoch and
/// sample counter, so a run resumed from a checkpoint continues exactly as it would have.
public struct Trainer: Sendable {
    public private(set) var network: DetectorNetwork
    public private(set) var optimizer: AdamW
    public let options: TrainingOptions
    public let fusion: any FeatureFusion
    public let loss: DetectionLoss
    public let schedule: LearningRateSchedule
    /// Best validation score seen (higher is better).
    public private(set) var bestScore: Double?
    private let pillarizer: Pillarizer
    private let decays: [Bool]

    /// Steps taken so far.
    public var step: Int { optimizer.step }

    /// A fresh run: the network is initialised from `options.seed`.
    public init(config: DetectorConfig, options: TrainingOptions, fusion: any FeatureFusion = EgoOnlyFusion()) throws {
        try options.validate()
        var rng = SplitMix64.stream(seed: options.seed, 0)
        let network = try DetectorNetwork(config: config, using: &rng)
        let optimizer = AdamW(sizes: network.tensors.map(\.elementCount), weightDecay: Float(options.weightDecay))
        try self.init(checkpoint: Checkpoint(network: network, optimizer: optimizer, options: options, bestScore: nil), fusion: fusion)
    }

    /// A fresh run that starts from trained weights (fine-tuning): `network`'s tensors under
    /// `config`, which must describe the same shapes; a new optimizer and schedule.
    /// - Throws: `V2XError.shapeMismatch` when `config` does not fit the tensors.
    public init(startingFrom network: DetectorNetwork, config: DetectorConfig, options: TrainingOptions, fusion: any FeatureFusion = EgoOnlyFusion()) throws {
        try options.validate()
        let network = try DetectorNetwork(config: config, tensors: network.tensors)
        let optimizer = AdamW(sizes: network.tensors.map(\.elementCount), weightDecay: Float(options.weightDecay))
        try self.init(checkpoint: Checkpoint(network: network, optimizer: optimizer, options: options, bestScore: nil), fusion: fusion)
    }

    /// Continues a run from a checkpoint.
    public init(checkpoint: Checkpoint, fusion: any FeatureFusion = EgoOnlyFusion()) throws {
        try checkpoint.options.validate()
        network = checkpoint.network
        optimizer = checkpoint.optimizer
        options = checkpoint.options
        bestScore = checkpoint.bestScore
        self.fusion = fusion
        loss = DetectionLoss(regressionWeight: checkpoint.options.regressionWeight)
        schedule = LearningRateSchedule(peak: options.learningRate, warmupSteps: options.warmupSteps, totalSteps: options.totalSteps)
        let config = checkpoint.network.config
        pillarizer = Pillarizer(grid: config.grid, minZMeters: config.minZMeters, maxZMeters: config.maxZMeters)
        decays = checkpoint.network.tensors.map { $0.shape.count >= 2 }
    }

    /// The current state as a checkpoint.
    public var checkpoint: Checkpoint {
        Checkpoint(network: network, optimizer: optimizer, options: options, bestScore: bestScore)
    }

    /// The current weights as a detector.
    public func detector() throws -> BEVDetector { try BEVDetector(network: network) }

    /// Loss and parameter gradients (in `DetectorNetwork.tensors` order) of one sample, no augmentation.
    public func lossAndGradients(_ sample: TrainingSample) throws -> (value: DetectionLoss.Value, gradients: [[Float]]) {
        let config = network.config
        let (features, encoderCache) = try network.encode(pillarizer.pillarize(sample.points))
        let shared = try BEVFeatures(grid: config.featureGrid, map: features)
        let fused = try fusion.fuse([shared])
        let (head, headCache) = try network.head(fused.map)
        let targets = DetectionTargets(boxes: sample.boxes, config: config)
        let (value, dHead) = try loss.evaluate(head: head, targets: targets)
        let (dFused, headGrads) = try network.headBackward(dHead, cache: headCache)
        let dInputs = try fusion.backward([shared], outputGradient: dFused)
        let encoderGrads = try network.encodeBackward(dInputs[0], cache: encoderCache)
        return (value, encoderGrads + headGrads)
    }

    /// The loss of one sample without gradients (for validation).
    public func loss(of sample: TrainingSample) throws -> DetectionLoss.Value {
        let config = network.config
        let features = try network.encode(pillarizer.pillarize(sample.points)).features
        let fused = try fusion.fuse([BEVFeatures(grid: config.featureGrid, map: features)])
        let head = try network.head(fused.map).output
        return try loss.evaluate(head: head, targets: DetectionTargets(boxes: sample.boxes, config: config)).value
    }

    /// The samples of the next step: indices into a training set of `count` samples.
    public func batchIndices(count: Int) -> [Int] {
        (0..<options.batchSize).map { b in
            let counter = step * options.batchSize + b
            return permutation(epoch: counter / count, count: count)[counter % count]
        }
    }

    private func permutation(epoch: Int, count: Int) -> [Int] {
        var rng = SplitMix64.stream(seed: options.seed, 1, UInt64(epoch))
        return Array(0..<count).shuffled(using: &rng)
    }

    /// One optimizer step on `samples` (the batch), augmenting each with its own draw.
    ///
    /// With `workers > 1` the samples are spread over that many threads (sample `b` on
    /// worker `b % workers`), each running OpenBLAS single-threaded: on two cores this beats
    /// one sample at a time on a two-thread OpenBLAS, whose threads mostly wait on each
    /// other for these matrix sizes, and it parallelises the Swift loops (im2col, pillars) too.
    /// The result does not depend on `workers` beyond float summation order.
    /// - Returns: the mean loss over the batch (before the update).
    /// - Throws: `V2XError` from the layers, or `.nonFiniteValue` when the gradients blow up.
    @discardableResult
    public mutating func trainStep(_ samples: [TrainingSample], workers: Int = 1) throws -> DetectionLoss.Value {
        guard !samples.isEmpty else { throw V2XError(.invalidArgument, "a training step needs at least one sample") }
        let workerCount = max(1, min(workers, samples.count))
        let slots = WorkerSlots(count: workerCount)
        let firstCounter = step * options.batchSize
        let this = self
        let work: @Sendable (Int) -> Void = { w in
            do {
                var sum: [[Float]]? = nil
                var total = DetectionLoss.Value(heatmap: 0, regression: 0)
                for b in stride(from: w, to: samples.count, by: workerCount) {
                    var rng = SplitMix64.stream(seed: this.options.seed, 2, UInt64(firstCounter + b))
                    let augmented = Augmentation.apply(this.options.augmentation.draw(using: &rng), to: samples[b])
                    let (value, grads) = try this.lossAndGradients(augmented)
                    total.heatmap += value.heatmap; total.regression += value.regression
                    if sum == nil { sum = grads; continue }
                    for t in grads.indices {
                        sum![t].withUnsafeMutableBufferPointer { s in
                            grads[t].withUnsafeBufferPointer { g in for i in s.indices { s[i] += g[i] } }
                        }
                    }
                }
                slots.set(w, .success((sum ?? [], total)))
            } catch {
                slots.set(w, .failure(error))
            }
        }
        if workerCount == 1 {
            work(0)
        } else {
            let previousThreads = openblas_get_num_threads()
            openblas_set_num_threads(1)
            DispatchQueue.concurrentPerform(iterations: workerCount, execute: work)
            openblas_set_num_threads(previousThreads)
        }
        var sum: [[Float]] = network.tensors.map { [Float](repeating: 0, count: $0.elementCount) }
        var total = DetectionLoss.Value(heatmap: 0, regression: 0)
        for result in slots.results {
            guard let result else { throw V2XError(.invalidArgument, "a training worker produced no result") }
            let (grads, value) = try result.get()
            total.heatmap += value.heatmap; total.regression += value.regression
            for t in grads.indices { for i in grads[t].indices { sum[t][i] += grads[t][i] } }
        }
        let n = Float(samples.count)
        for t in sum.indices { for i in sum[t].indices { sum[t][i] /= n } }
        var parameters = network.tensors.map(\.values)
        try optimizer.update(&parameters, gradients: sum, decays: decays, learningRate: Float(schedule.rate(at: step)))
        try network.assign(parameters)
        return DetectionLoss.Value(heatmap: total.heatmap / Double(n), regression: total.regression / Double(n))
    }

    /// Records a validation score; returns whether it is the best so far.
    public mutating func recordValidation(score: Double) -> Bool {
        guard score.isFinite else { return false }
        if let best = bestScore, best >= score { return false }
        bestScore = score
        return true
    }
}

/// Per-worker results of one training step, written from `concurrentPerform` threads.
private final class WorkerSlots: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<([[Float]], DetectionLoss.Value), any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    // Every access goes through `lock`, which is what makes the unchecked Sendable sound.
    func set(_ i: Int, _ r: Result<([[Float]], DetectionLoss.Value), any Error>) {
        lock.lock(); defer { lock.unlock() }
        slots[i] = r
    }

    var results: [Result<([[Float]], DetectionLoss.Value), any Error>?] {
        lock.lock(); defer { lock.unlock() }
        return slots
    }
}
