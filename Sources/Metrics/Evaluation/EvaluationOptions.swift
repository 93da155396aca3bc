import V2XCore

/// What `DetectionEvaluator` scores and how.
public struct EvaluationOptions: Sendable, Equatable {
    /// Ranking and region rules; see `EvaluationProtocol`.
    public var evaluationProtocol: EvaluationProtocol
    /// Only ground truth and detections of this category are scored (labels map to
    /// categories through `ObjectClass.category`); matching ignores finer labels.
    public var category: ObjectCategory
    /// The scored region; defaults to the protocol's region.
    public var region: EvaluationRegion
    /// Distance bands of the range breakdown.
    public var rangeBins: [RangeBin]
    /// Whether the report lists every frame's counts.
    public var perFrame: Bool

    public init(
        evaluationProtocol: EvaluationProtocol = .default, category: ObjectCategory = .vehicle,
        region: EvaluationRegion? = nil, rangeBins: [RangeBin] = RangeBin.standard, perFrame: Bool = false
    ) {
        self.evaluationProtocol = evaluationProtocol
        self.category = category
        self.region = region ?? evaluationProtocol.defaultRegion
        self.rangeBins = rangeBins
        self.perFrame = perFrame
    }
}
