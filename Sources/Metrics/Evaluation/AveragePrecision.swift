/// VOC all-point average precision (the area under the monotone precision envelope),
/// as DESIGN.md's protocol and OpenCOOD's `voc_ap` compute it.
///
/// For detections ranked `k = 1…K` with true-positive flags, let `TPₖ`, `FPₖ` be the
/// cumulative counts and `N` the number of ground-truth boxes:
///
/// ```
/// recallₖ = TPₖ / N            precisionₖ = TPₖ / (TPₖ + FPₖ)
/// r = [0, recall₁ … recall_K, 1]   p = [0, precision₁ … precision_K, 0]
/// p[i] ← max(p[i], p[i+1])          for i from the end down to 0   (envelope)
/// AP  = Σ over i ≥ 1 with r[i] ≠ r[i−1] of (r[i] − r[i−1]) · p[i]
/// ```
/// The sentinel `(1, 0)` adds nothing, so recall never reached contributes zero area.
public enum AveragePrecision {
    /// AP of a ranked list of detections, in [0, 1]; nil when there is no ground truth
    /// (`N = 0`), where AP is undefined.
    public static func vocAllPoint<S: Sequence>(rankedTruePositives: S, groundTruthCount: Int) -> Double?
    where S.Element == Bool {
        guard groundTruthCount > 0 else { return nil }
        let n = Double(groundTruthCount)
        var recall: [Double] = [0]
        var precision: [Double] = [0]
        var tp = 0, seen = 0
        for isTP in rankedTruePositives {
            seen += 1
            if isTP { tp += 1 }
            recall.append(Double(tp) / n)
            precision.append(Double(tp) / Double(seen))
        }
        recall.append(1)
        precision.append(0)
        for i in stride(from: precision.count - 2, through: 0, by: -1) {
            precision[i] = max(precision[i], precision[i + 1])
        }
        var ap = 0.0
        for i in 1..<recall.count where recall[i] != recall[i - 1] {
            ap += (recall[i] - recall[i - 1]) * precision[i]
        }
        return ap
    }
}
