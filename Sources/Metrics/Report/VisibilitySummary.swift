/// Recall of one visibility class of ground truth (ego-visible or cooperative-only).
///
/// Only recall is reported: a false positive has no visibility, so precision (and AP)
/// cannot be split by it. JSON keys: `num_gt`, `recall30`, `recall50`, `recall70`
/// (`null` when `num_gt` is 0).
public struct VisibilitySummary: Sendable, Equatable, Encodable {
    public var groundTruthCount: Int
    /// Matched / total ground truth of this class at each of `DetectionEvaluator.thresholds`.
    public var recall: [Double?]

    public init(groundTruthCount: Int, recall: [Double?]) {
        self.groundTruthCount = groundTruthCount
        self.recall = recall
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(groundTruthCount, forKey: "num_gt")
        for (i, t) in DetectionEvaluator.thresholds.enumerated() {
            try c.encode(recall[i], forKey: ReportKey("recall", threshold: t))
        }
    }
}
