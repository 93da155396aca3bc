import V2XCore

/// Checks on boxes read from detection or ground-truth files, before they are scored.
enum FrameBoxesValidation {
    /// What is wrong with a box, or nil: non-finite values, non-positive `l`/`w`/`h`, and
    /// (for detections) a missing score or one outside [0, 1].
    static func problem(with box: Box3D, requireScore: Bool) -> String? {
        guard [box.x, box.y, box.z, box.l, box.w, box.h, box.yaw].allSatisfy(\.isFinite) else {
            return "box has a non-finite value"
        }
        guard box.l > 0, box.w > 0, box.h > 0 else {
            return "box has a non-positive size l \(box.l) w \(box.w) h \(box.h)"
        }
        if requireScore {
            guard let s = box.score else { return "detection has no score" }
            guard s.isFinite, s >= 0, s <= 1 else { return "detection score \(s) is outside [0, 1]" }
        }
        return nil
    }
}
