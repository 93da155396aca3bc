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

/// The non-zero BEV IoUs between one frame's detections and ground truth, computed once
/// and reused for every threshold.
struct FrameOverlaps {
    /// For each detection: (ground-truth index, IoU) for every ground truth it overlaps,
    /// in increasing ground-truth index.
    let pairs: [[(gt: Int, iou: Double)]]
    let groundTruthCount: Int

    init(detections: [Box3D], groundTruth: [Box3D]) {
        let gtPolygons = groundTruth.map(BEVPolygon.init(box:))
        groundTruthCount = groundTruth.count
        pairs = detections.map { det in
            let polygon = BEVPolygon(box: det)
            var row: [(gt: Int, iou: Double)] = []
            for (j, g) in gtPolygons.enumerated() where polygon.boundingCirclesOverlap(g) {
                let iou = RotatedIoU.bev(polygon, g)
                if iou > 0 { row.append((j, iou)) }
            }
            return row
        }
    }

    /// Greedy matching in the given visiting order (see `GreedyMatcher`).
    func match(order: [Int], threshold: Double) -> [Int?] {
        var used = [Bool](repeating: false, count: groundTruthCount)
        var out = [Int?](repeating: nil, count: pairs.count)
        for d in order {
            var best = -1
            var bestIoU = 0.0
            for (g, iou) in pairs[d] where !used[g] && iou > bestIoU {
                best = g
                bestIoU = iou
            }
            if best >= 0, bestIoU >= threshold {
                used[best] = true
                out[d] = best
            }
        }
        return out
    }
}
