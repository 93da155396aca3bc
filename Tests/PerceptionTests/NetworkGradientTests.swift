import Perception
import Testing
import V2XCore

@Suite struct NetworkGradientTests {
    @Test func wholeNetworkLossGradientMatchesFiniteDifferences() throws {
        var options = TrainingOptions(seed: 5)
        options.augmentation = .none
        let trainer = try Trainer(config: TinyModel.config, options: options)
        let sample = TrainingSample(points: TinyModel.cloud(seed: 2), boxes: [TinyModel.box])
        let (_, grads) = try trainer.lossAndGradients(sample)
        let tensors = trainer.network.tensors
        #expect(grads.count == tensors.count)
        // One tensor from each part: pillar encoder, stage 1, stage 2, upsampling, head.
        for name in ["pillar.weight", "stage1.1.weight", "stage2.0.bias", "upsample.weight", "head.hidden.weight", "head.output.bias"] {
            let t = try #require(tensors.firstIndex { $0.name == name })
            let error = try GradientCheck.maxError(
                values: tensors[t].values, analytic: grads[t], indices: GradientCheck.indices(tensors[t].values.count, 6, seed: UInt64(t)),
                epsilon: 1e-3
            ) { v in
                var network = trainer.network
                var all = tensors.map(\.values); all[t] = v
                try network.assign(all)
                let copy = try Trainer(checkpoint: Checkpoint(network: network, optimizer: trainer.optimizer, options: options, bestScore: nil))
                return try copy.loss(of: sample).total
            }
            #expect(error < 3e-2, "tensor \(name)")
        }
    }
}
