import V2XCore

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
