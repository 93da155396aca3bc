/// Average precision and recall at the protocol's IoU thresholds (0.3, 0.5, 0.7) over one
/// set of ground truth and detections: the whole evaluation or one breakdown bin.
///
/// JSON keys (docs/eval-json.md): `num_gt`, `num_pred`, `ap30`, `ap50`, `ap70`,
/// `recall30`, `recall50`, `recall70`; an AP or recall is `null` when `num_gt` is 0.
public struct APSummary: Sendable, Equatable, Encodable {
    /// Ground-truth boxes scored.
    public var groundTruthCount: Int
    /// Detections scored (for a breakdown bin: detections whose own centre or label falls in it).
    public var detectionCount: Int
    /// AP at each of `DetectionEvaluator.thresholds`, nil without ground truth.
    public var averagePrecision: [Double?]
    /// Matched ground truth / ground truth at each threshold, nil without ground truth.
    public var recall: [Double?]

    public init(groundTruthCount: Int, detectionCount: Int, averagePrecision: [Double?], recall: [Double?]) {
        self.groundTruthCount = groundTruthCount
        self.detectionCount = detectionCount
        self.averagePrecision = averagePrecision
        self.recall = recall
    }

    /// AP at IoU 0.3, 0.5, 0.7.
    public var ap30: Double? { averagePrecision[0] }
    public var ap50: Double? { averagePrecision[1] }
    public var ap70: Double? { averagePrecision[2] }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(groundTruthCount, forKey: "num_gt")
        try c.encode(detectionCount, forKey: "num_pred")
        for (i, t) in DetectionEvaluator.thresholds.enumerated() {
            try c.encode(averagePrecision[i], forKey: ReportKey("ap", threshold: t))
            try c.encode(recall[i], forKey: ReportKey("recall", threshold: t))
        }
    }
}
