import V2XCore

/// What a perception node shares: its BEV feature map, the grid the map covers, and the
/// pose that places that grid in the world.
///
/// - `map`: `(grid.height, grid.width, C)` channels-last fp32, non-negative (ReLU outputs);
///   row `r` spans `y ∈ [grid.minY + r·cell, …)` and column `c` spans `x` the same way, in
///   the agent's LiDAR frame (`BEVGrid`). This is the tensor later quantised to int8,
///   coded against a codebook per cell, warped into the ego frame and fused.
/// - `grid`: the feature grid (the detector's input grid at twice the cell size).
/// - `sensorToWorld`: the agent's LiDAR pose at capture, for warping.
public struct BEVFeatures: Sendable, Equatable {
    public var grid: BEVGrid
    public var map: FeatureMap
    public var sensorToWorld: Pose

    /// - Throws: `V2XError.shapeMismatch` when the map does not cover the grid cell for cell.
    public init(grid: BEVGrid, map: FeatureMap, sensorToWorld: Pose = .identity) throws {
        guard map.height == grid.height, map.width == grid.width else {
            throw V2XError(.shapeMismatch, "feature map \(map.height)×\(map.width) does not match grid \(grid.height)×\(grid.width)")
        }
        self.grid = grid; self.map = map; self.sensorToWorld = sensorToWorld
    }
}
