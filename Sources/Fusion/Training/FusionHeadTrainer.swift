import Foundation
import Perception
import V2XCore

/// Fine-tunes the detection head on fused maps with the encoder frozen: each step fuses an
/// ego's map with its collaborators' exactly as inference does (`CooperativeDetector.fuseFeatures`:
/// warp, trust, operator), runs the head, and takes one AdamW step on the head's tensors
/// against the cooperative ground truth in the ego frame.
public struct FusionHeadTrainer: Sendable {
    /// The detector being tuned (only its head changes).
    public private(set) var detector: BEVDetector
    public let settings: FusionSettings
    /// The AdamW learning rate by step (warm-up, then cosine decay).
    public let schedule: LearningRateSchedule
    let loss: DetectionLoss
    var optimizer: AdamW
    let decays: [Bool]

    /// Starts from `detector`'s current head.
    public init(detector: BEVDetector, settings: FusionSettings, schedule: LearningRateSchedule, regressionWeight: Double = 0.25) {
        self.detector = detector
        self.settings = settings
        self.schedule = schedule
        loss = DetectionLoss(regressionWeight: regressionWeight)
        optimizer = AdamW(sizes: detector.headTensors.map(\.elementCount), weightDecay: 0.01)
        decays = detector.headTensors.map { $0.shape.count >= 2 }
    }

    /// Steps taken so far.
    public var step: Int { optimizer.step }

    /// The loss of the head on one fused sample, and its head-tensor gradients.
    public func lossAndGradients(ego: AgentObservation, collaborators: [AgentObservation], truth: [Box3D]) throws
        -> (value: DetectionLoss.Value, gradients: [[Float]]) {
        let fuser = try CooperativeDetector(detector: detector, settings: settings)
        let fused = try fuser.fuseFeatures(ego: ego, collaborators: collaborators)
        let (head, cache) = try detector.network.head(fused.map)
        let (value, dHead) = try loss.evaluate(head: head, targets: DetectionTargets(boxes: truth, config: detector.config))
        return (value, try detector.network.headBackward(dHead, cache: cache).gradients)
    }

    /// One AdamW step on a batch of fused samples (gradients averaged).
    /// - Returns: the batch's mean loss before the update.
    /// - Throws: `V2XError.invalidArgument` for an empty batch, `.nonFiniteValue` when the gradients blow up.
    @discardableResult
    public mutating func trainStep(_ batch: [(ego: AgentObservation, collaborators: [AgentObservation], truth: [Box3D])]) throws -> DetectionLoss.Value {
        guard !batch.isEmpty else { throw V2XError(.invalidArgument, "a training step needs at least one sample") }
        var sum = detector.headTensors.map { [Float](repeating: 0, count: $0.elementCount) }
        var total = DetectionLoss.Value(heatmap: 0, regression: 0)
        for sample in batch {
            let (value, grads) = try lossAndGradients(ego: sample.ego, collaborators: sample.collaborators, truth: sample.truth)
            total.heatmap += value.heatmap; total.regression += value.regression
            for t in grads.indices { for i in grads[t].indices { sum[t][i] += grads[t][i] } }
        }
        let n = Float(batch.count)
        for t in sum.indices { for i in sum[t].indices { sum[t][i] /= n } }
        var parameters = detector.headTensors.map(\.values)
        try optimizer.update(&parameters, gradients: sum, decays: decays, learningRate: Float(schedule.rate(at: optimizer.step)))
        let head = zip(detector.headTensors, parameters).map { NamedTensor(name: $0.name, shape: $0.shape, values: $1) }
        detector = try detector.replacingHead(with: head)
        return DetectionLoss.Value(heatmap: total.heatmap / Double(n), regression: total.regression / Double(n))
    }
}
