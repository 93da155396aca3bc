import V2XCore

/// Per-frame matching of detections to ground truth (DESIGN.md, "Evaluation protocol";
/// the same rule as OpenCOOD's `caluclate_tp_fp`).
///
/// Detections are visited in descending score order (ties: input order). Each takes,
/// among the ground-truth boxes not matched yet, the one of highest BEV IoU (ties: the
/// lower index); if that IoU is ≥ `threshold` the pair matches (a true positive) and the
/// ground truth is used up, otherwise the detection is a false positive and consumes
/// nothing. A second detection on an already matched object is therefore a false
/// positive unless another unmatched box overlaps it enough.
public enum GreedyMatcher {
    /// Detection indices in visiting order: descending score, ties by index. A missing
    /// score ranks as 0.
    public static func rankingOrder(_ detections: [Box3D]) -> [Int] {
        detections.indices.sorted { a, b in
            let (sa, sb) = (detections[a].score ?? 0, detections[b].score ?? 0)
            return sa != sb ? sa > sb : a < b
        }
    }

    /// For each detection (by input index), the index of its matched ground-truth box, or
    /// nil for a false positive.
    /// - Precondition: `threshold` in (0, 1].
    public static func match(detections: [Box3D], groundTruth: [Box3D], threshold: Double) -> [Int?] {
        precondition(threshold > 0 && threshold <= 1, "IoU threshold must be in (0, 1]")
        let overlaps = FrameOverlaps(detections: detections, groundTruth: groundTruth)
        return overlaps.match(order: rankingOrder(detections), threshold: threshold)
    }
}
