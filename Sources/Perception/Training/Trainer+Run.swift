import Foundation
import V2XCore

extension Trainer {
    /// A progress report after each step.
    public struct Progress: Sendable {
        public var step: Int
        public var totalSteps: Int
        public var loss: DetectionLoss.Value
        public var samplesPerSecond: Double
        public var learningRate: Double
    }

    /// What happened at a validation point.
    public struct ValidationReport: Sendable {
        public var step: Int
        public var score: Double
        public var isBest: Bool
    }

    /// Name of the resumable checkpoint in the run folder.
    public static let checkpointFileName = "checkpoint.safetensors"
    /// Folder (a model folder) holding the best-validated weights in the run folder.
    public static let bestModelFolderName = "best"

    /// Trains until `options.totalSteps` (or until `shouldStop` says so), writing
    /// `<runDirectory>/checkpoint.safetensors` every `checkpointEverySteps` steps and
    /// `<runDirectory>/best/` whenever `validate` (higher is better) improves (its safetensors
    /// metadata: `modelMetadata` plus step, score and seed). `workers`: see `trainStep`.
    public mutating func run(
        training samples: [TrainingSample], runDirectory: URL, workers: Int = 1, modelMetadata: [String: String] = [:],
        validate: (BEVDetector) throws -> Double,
        progress: (Progress) -> Void = { _ in },
        validated: (ValidationReport) -> Void = { _ in },
        shouldStop: () -> Bool = { false }
    ) throws {
        guard !samples.isEmpty else { throw V2XError(.invalidArgument, "no training samples") }
        do { try FileManager.default.createDirectory(at: runDirectory, withIntermediateDirectories: true) } catch {
            throw V2XError(.ioFailure, "cannot create run folder: \(error.localizedDescription)", path: runDirectory.path)
        }
        let checkpointURL = runDirectory.appendingPathComponent(Self.checkpointFileName)
        let start = Date()
        let firstStep = step
        while step < options.totalSteps, !shouldStop() {
            let rate = schedule.rate(at: step)
            let batch = batchIndices(count: samples.count).map { samples[$0] }
            let value = try trainStep(batch, workers: workers)
            let elapsed = Date().timeIntervalSince(start)
            progress(Progress(
                step: step, totalSteps: options.totalSteps, loss: value,
                samplesPerSecond: elapsed > 0 ? Double((step - firstStep) * options.batchSize) / elapsed : 0, learningRate: rate
            ))
            let last = step == options.totalSteps
            if step % options.validateEverySteps == 0 || last {
                let detector = try self.detector()
                let score = try validate(detector)
                let isBest = recordValidation(score: score)
                if isBest {
                    try detector.save(
                        to: runDirectory.appendingPathComponent(Self.bestModelFolderName),
                        metadata: modelMetadata.merging(
                            ["step": String(step), "validation_score": String(score), "seed": String(options.seed)]
                        ) { _, new in new }
                    )
                }
                validated(ValidationReport(step: step, score: score, isBest: isBest))
            }
            if step % options.checkpointEverySteps == 0 || last { try checkpoint.write(to: checkpointURL) }
        }
        try checkpoint.write(to: checkpointURL)
    }

    /// Minus the mean loss of `detector` over `samples` (ego-only, no augmentation): a
    /// validation score for `run` (higher is better).
    public static func negativeMeanLoss(
        of detector: BEVDetector, on samples: [TrainingSample], loss: DetectionLoss = DetectionLoss()
    ) throws -> Double {
        guard !samples.isEmpty else { return 0 }
        let config = detector.config
        var sum = 0.0
        for s in samples {
            let head = try detector.headOutput(detector.encode(s.points))
            sum += try loss.evaluate(head: head, targets: DetectionTargets(boxes: s.boxes, config: config)).value.total
        }
        return -sum / Double(samples.count)
    }
}
