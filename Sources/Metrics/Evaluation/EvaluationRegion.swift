import V2XCore

/// The part of the ego frame where boxes are scored; boxes outside it (ground truth and
/// detections alike) are dropped before matching.
public struct EvaluationRegion: Sendable, Equatable, Codable {
    /// Which points of a box must lie inside the rectangle.
    public enum Rule: String, Sendable, Codable, CaseIterable {
        /// The BEV centre lies in `[minX, maxX) × [minY, maxY)` (the `BEVGrid.cell` convention).
        case center
        /// All four BEV corners lie in `[minX, maxX] × [minY, maxY]` (OpenCOOD's
        /// `mask_boxes_outside_range` on the GT range).
        case allCorners = "all_corners"
    }

    public var minX: Double
    public var maxX: Double
    public var minY: Double
    public var maxY: Double
    public var rule: Rule

    public init(minX: Double, maxX: Double, minY: Double, maxY: Double, rule: Rule) {
        self.minX = minX; self.maxX = maxX; self.minY = minY; self.maxY = maxY
        self.rule = rule
    }

    /// The extent of a BEV grid with the centre rule (the default protocol's region).
    public init(grid: BEVGrid) {
        self.init(minX: grid.minX, maxX: grid.maxX, minY: grid.minY, maxY: grid.maxY, rule: .center)
    }

    /// Whether a box is scored.
    public func contains(_ box: Box3D) -> Bool {
        switch rule {
        case .center:
            return box.x >= minX && box.x < maxX && box.y >= minY && box.y < maxY
        case .allCorners:
            return box.bevCorners.allSatisfy { $0.x >= minX && $0.x <= maxX && $0.y >= minY && $0.y <= maxY }
        }
    }

    enum CodingKeys: String, CodingKey {
        case minX = "min_x", maxX = "max_x", minY = "min_y", maxY = "max_y", rule
    }
}
