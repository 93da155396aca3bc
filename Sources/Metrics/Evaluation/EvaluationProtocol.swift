import V2XCore

/// Which scoring rules `DetectionEvaluator` follows (DESIGN.md, "Evaluation protocol").
///
/// Both protocols match per frame the same way: detections in descending score order each
/// take the not-yet-matched ground-truth box of highest BEV IoU, and count as true
/// positives when that IoU is ≥ the threshold (otherwise false positives, consuming
/// nothing). Both compute AP as the VOC all-point area under the monotone precision
/// envelope. They differ in:
///
/// | | `default` | `opencood` |
/// |---|---|---|
/// | ranking for AP | all detections sorted globally by score | per-frame order, frames concatenated in file order (OpenCOOD `calculate_ap` without global sort) |
/// | region | centre inside the BEV grid, ±51.2 m (`BEVGrid.default`) | all BEV corners inside x ±140 m, y ±40 m (OpenCOOD's GT range) |
///
/// Ground truth is counted the same way in both: every box in the region, in every
/// scored frame, including frames without detections (OpenCOOD adds `gt_boxes.shape[0]`
/// per frame). Which objects are ground truth is decided by the input (for
/// `--scenario`, the cooperative ground truth: ≥ 1 LiDAR return in any agent's sweep).
public enum EvaluationProtocol: String, Sendable, Codable, CaseIterable {
    case `default`
    case opencood

    /// Whether detections are ranked by score over all frames (true) or kept in per-frame
    /// order, frame after frame (false).
    public var sortsGlobally: Bool { self == .default }

    /// The region scored by default under this protocol.
    public var defaultRegion: EvaluationRegion {
        switch self {
        case .default: EvaluationRegion(grid: .default)
        case .opencood: EvaluationRegion(minX: -140, maxX: 140, minY: -40, maxY: 40, rule: .allCorners)
        }
    }
}
