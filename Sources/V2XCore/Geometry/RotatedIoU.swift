/// Rotated bird's-eye-view intersection over union of boxes (DESIGN.md, "Evaluation protocol").
///
/// `IoU(a, b) = |A ∩ B| / (|A| + |B| − |A ∩ B|)` where `A`, `B` are the boxes' BEV
/// footprints (rectangles `l × w` centred at `(x, y)`, rotated by `yaw`); `z` and `h` are
/// ignored. The intersection is computed exactly by convex polygon clipping
/// (`BEVPolygon.intersectionArea`), so the result is exact up to floating-point rounding
/// (about 1e-12 for metre-scale boxes). Values lie in [0, 1]: identical footprints give 1,
/// boxes that are disjoint or only share an edge or a corner give 0. Degenerate boxes
/// (non-positive or non-finite `l`/`w`, non-finite centre or yaw) overlap nothing: 0.
///
/// Cost: a circumscribed-circle test (`|cₐ − c_b| ≥ rₐ + r_b`, `r = ½·√(l² + w²)`) rejects
/// far-apart pairs with a few multiplications before any trigonometry; for many pairs
/// over the same boxes (NMS, matching) build each `BEVPolygon` once and call
/// `bev(_:_:)` on the polygons.
public enum RotatedIoU {
    /// BEV IoU of two boxes, in [0, 1].
    @inlinable
    public static func bev(_ a: Box3D, _ b: Box3D) -> Double {
        let dx = a.x - b.x, dy = a.y - b.y
        let d2 = dx * dx + dy * dy
        // √(l² + w²) ≤ l + w, so this square-root-free bound rejects far pairs first.
        // Both tests are written so that NaN fails them and falls through to the polygon
        // path, which turns a degenerate box into an empty polygon.
        let loose = 0.5 * (abs(a.l) + abs(a.w) + abs(b.l) + abs(b.w))
        if d2 >= loose * loose { return 0 }
        let reach = 0.5 * ((a.l * a.l + a.w * a.w).squareRoot() + (b.l * b.l + b.w * b.w).squareRoot())
        if d2 >= reach * reach { return 0 }
        return bev(BEVPolygon(box: a), BEVPolygon(box: b))
    }

    /// BEV IoU of two convex footprints, in [0, 1]; 0 when either is empty.
    public static func bev(_ a: BEVPolygon, _ b: BEVPolygon) -> Double {
        guard a.boundingCirclesOverlap(b) else { return 0 }
        let inter = a.intersectionArea(with: b)
        let union = a.area + b.area - inter
        guard inter > 0, union > 0 else { return 0 }
        return min(1, inter / union)
    }
}
