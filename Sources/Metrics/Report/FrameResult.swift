/// Counts for one scored frame (the `--per-frame` rows).
///
/// JSON keys: `scenario`, `frame`, `ego`, `num_gt`, `num_pred`, and `tp30`, `fp30`,
/// `tp50`, `fp50`, `tp70`, `fp70`.
public struct FrameResult: Sendable, Equatable, Encodable {
    public var scenario: String
    public var frame: String
    public var ego: String
    public var groundTruthCount: Int
    public var detectionCount: Int
    /// True positives at each of `DetectionEvaluator.thresholds`.
    public var truePositives: [Int]
    /// False positives at each threshold (`detectionCount − truePositives`).
    public var falsePositives: [Int]

    public init(
        scenario: String, frame: String, ego: String, groundTruthCount: Int, detectionCount: Int,
        truePositives: [Int], falsePositives: [Int]
    ) {
        self.scenario = scenario; self.frame = frame; self.ego = ego
        self.groundTruthCount = groundTruthCount; self.detectionCount = detectionCount
        self.truePositives = truePositives; self.falsePositives = falsePositives
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: ReportKey.self)
        try c.encode(scenario, forKey: "scenario")
        try c.encode(frame, forKey: "frame")
        try c.encode(ego, forKey: "ego")
        try c.encode(groundTruthCount, forKey: "num_gt")
        try c.encode(detectionCount, forKey: "num_pred")
        for (i, t) in DetectionEvaluator.thresholds.enumerated() {
            try c.encode(truePositives[i], forKey: ReportKey("tp", threshold: t))
            try c.encode(falsePositives[i], forKey: ReportKey("fp", threshold: t))
        }
    }
}
