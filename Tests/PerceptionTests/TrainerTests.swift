import Foundation
import Perception
import Testing
import V2XCore
import V2XTestSupport

@Suite struct TrainerTests {
    func options() -> TrainingOptions {
        TrainingOptions(seed: 9, totalSteps: 40, batchSize: 2, learningRate: 1e-2, warmupSteps: 5,
                        augmentation: .none, validateEverySteps: 20, checkpointEverySteps: 10)
    }

    var samples: [TrainingSample] {
        [TrainingSample(points: TinyModel.cloud(seed: 1), boxes: [TinyModel.box]),
         TrainingSample(points: TinyModel.cloud(seed: 2), boxes: [TinyModel.box])]
    }

    @Test func trainingReducesTheLossAndFindsTheBox() throws {
        var trainer = try Trainer(config: TinyModel.config, options: options())
        let before = try Trainer.negativeMeanLoss(of: trainer.detector(), on: samples)
        let dir = try TemporaryDirectory()
        var reports: [Trainer.ValidationReport] = []
        let validation = samples
        try trainer.run(
            training: samples, runDirectory: dir.url,
            validate: { try Trainer.negativeMeanLoss(of: $0, on: validation) },
            validated: { reports.append($0) }
        )
        #expect(trainer.step == 40)
        let after = try Trainer.negativeMeanLoss(of: trainer.detector(), on: samples)
        #expect(after > before * 0.5)   // scores are minus losses: the loss at least halved
        #expect(reports.map(\.step) == [20, 40])
        let best = try BEVDetector.load(from: dir.url.appendingPathComponent(Trainer.bestModelFolderName))
        let boxes = try best.detect(points: samples[0].points)
        let top = try #require(boxes.first)
        let dx = abs(top.x - TinyModel.box.x), dy = abs(top.y - TinyModel.box.y)
        #expect(dx < 0.5)
        #expect(dy < 0.5)
    }

    @Test func resumingFromACheckpointContinuesIdentically() throws {
        var straight = try Trainer(config: TinyModel.config, options: options())
        for _ in 0..<6 { try straight.trainStep(straight.batchIndices(count: 2).map { samples[$0] }) }

        var first = try Trainer(config: TinyModel.config, options: options())
        for _ in 0..<3 { try first.trainStep(first.batchIndices(count: 2).map { samples[$0] }) }
        let dir = try TemporaryDirectory()
        try first.checkpoint.write(to: dir.file("c.safetensors"))
        var resumed = try Trainer(checkpoint: Checkpoint.read(from: dir.file("c.safetensors")))
        #expect(resumed.step == 3)
        for _ in 0..<3 { try resumed.trainStep(resumed.batchIndices(count: 2).map { samples[$0] }) }
        #expect(resumed.network == straight.network)

        // Two workers give the same step up to float summation order.
        var serial = try Trainer(config: TinyModel.config, options: options())
        var parallel = serial
        try serial.trainStep(samples, workers: 1)
        try parallel.trainStep(samples, workers: 2)
        let a = serial.network.tensors.flatMap(\.values), b = parallel.network.tensors.flatMap(\.values)
        let worst = zip(a, b).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-5)
        #expect(serial.network != straight.network)

        // A model file is not a checkpoint.
        try SafeTensors.write(first.network.tensors, to: dir.file("m.safetensors"))
        #expect(throws: V2XError.self) { try Checkpoint.read(from: dir.file("m.safetensors")) }
    }
}
