import V2XCore

/// What a training run does; stored in checkpoints so a resumed run continues identically.
public struct TrainingOptions: Sendable, Codable, Equatable {
    public var seed: UInt64
    /// Optimizer steps in the whole run (the schedule's length).
    public var totalSteps: Int
    /// Samples per step (gradients are averaged).
    public var batchSize: Int
    public var learningRate: Double
    public var warmupSteps: Int
    public var weightDecay: Double
    public var regressionWeight: Double
    public var augmentation: Augmentation
    /// Validate (and maybe keep a new best model) every this many steps and at the end.
    public var validateEverySteps: Int
    /// Save a resumable checkpoint every this many steps and at the end.
    public var checkpointEverySteps: Int

    public init(
        seed: UInt64 = 1, totalSteps: Int = 4000, batchSize: Int = 4, learningRate: Double = 2e-3, warmupSteps: Int = 200,
        weightDecay: Double = 0.01, regressionWeight: Double = 0.25, augmentation: Augmentation = .standard,
        validateEverySteps: Int = 250, checkpointEverySteps: Int = 50
    ) {
        self.seed = seed; self.totalSteps = totalSteps; self.batchSize = batchSize
        self.learningRate = learningRate; self.warmupSteps = warmupSteps; self.weightDecay = weightDecay
        self.regressionWeight = regressionWeight; self.augmentation = augmentation
        self.validateEverySteps = validateEverySteps; self.checkpointEverySteps = checkpointEverySteps
    }

    /// - Throws: `V2XError.invalidArgument` naming the first bad option.
    public func validate() throws {
        func fail(_ m: String) -> V2XError { V2XError(.invalidArgument, "training options: \(m)") }
        guard totalSteps > 0 else { throw fail("totalSteps must be positive") }
        guard batchSize > 0, batchSize <= 256 else { throw fail("batchSize must be in 1...256") }
        guard learningRate > 0, learningRate.isFinite else { throw fail("learningRate must be positive") }
        guard warmupSteps >= 0 else { throw fail("warmupSteps must be ≥ 0") }
        guard weightDecay >= 0, weightDecay.isFinite else { throw fail("weightDecay must be ≥ 0") }
        guard regressionWeight >= 0, regressionWeight.isFinite else { throw fail("regressionWeight must be ≥ 0") }
        guard validateEverySteps > 0, checkpointEverySteps > 0 else { throw fail("validation and checkpoint intervals must be positive") }
        let a = augmentation
        guard (0...1).contains(a.flipProbability), a.maxRotationRadians >= 0, a.minScale > 0, a.maxScale >= a.minScale else {
            throw fail("augmentation ranges are invalid")
        }
    }
}
