import V2XCore

/// One training example: an agent's sweep and the boxes to detect in it, both in that
/// agent's LiDAR frame.
///
/// - `points`: the sweep, sensor frame
/// - `boxes`: `(N, 7) [x, y, z, l, w, h, yaw]` ground truth, sensor frame
public struct TrainingSample: Sendable, Equatable {
    public var points: PointCloud
    public var boxes: [Box3D]

    public init(points: PointCloud, boxes: [Box3D]) {
        self.points = points; self.boxes = boxes
    }
}
