import V2XCore

/// Greedy non-maximum suppression on exact rotated BEV IoU (`RotatedIoU.bev`), per label.
///
/// Boxes are visited by descending score; a box is kept unless it overlaps an already kept
/// box of the same label by more than `iouThreshold`. Equal scores keep input order.
public struct RotatedNMS: Sendable, Equatable {
    public let iouThreshold: Double

    /// - Throws: `V2XError.invalidArgument` when the threshold is outside (0, 1].
    public init(iouThreshold: Double) throws {
        guard iouThreshold > 0, iouThreshold <= 1 else {
            throw V2XError(.invalidArgument, "NMS IoU threshold \(iouThreshold) outside (0, 1]")
        }
        self.iouThreshold = iouThreshold
    }

    /// The kept boxes, highest score first.
    public func suppress(_ boxes: [Box3D]) -> [Box3D] {
        let order = boxes.indices.sorted { (boxes[$0].score ?? 0, -$0) > (boxes[$1].score ?? 0, -$1) }
        var kept: [Box3D] = []
        for i in order {
            let candidate = boxes[i]
            let reach = 0.5 * (candidate.l * candidate.l + candidate.w * candidate.w).squareRoot()
            let suppressed = kept.contains { k in
                guard k.label == candidate.label else { return false }
                // Boxes whose circumscribed circles are apart cannot overlap.
                let kReach = 0.5 * (k.l * k.l + k.w * k.w).squareRoot()
                let dx = k.x - candidate.x, dy = k.y - candidate.y
                guard dx * dx + dy * dy < (reach + kReach) * (reach + kReach) else { return false }
                return RotatedIoU.bev(k, candidate) > iouThreshold
            }
            if !suppressed { kept.append(candidate) }
        }
        return kept
    }
}
