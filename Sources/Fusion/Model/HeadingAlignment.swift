import V2XCore

/// The frame agents compute and share BEV maps in: the LiDAR's origin with its heading
/// removed, so the grid's axes are the world's (x east, y north, for a north-up world).
///
/// A detector's convolutions are not rotation-equivariant: a map computed in a LiDAR frame
/// turned 135° from the ego's, resampled by a rotating warp, no longer looks like a map the
/// head knows (measured: a roadside unit's warped map gave no detections at all). In a
/// heading-free frame every agent's map differs from the ego's by a translation plus the
/// residual yaw of pose error, so the warp moves features without turning them. Boxes and
/// points are expressed in the same frame; the ego rotates its final boxes back into its
/// LiDAR frame with `sharedToLidar`.
public struct HeadingAlignment: Sendable, Equatable {
    /// LiDAR frame → shared frame: a turn by the LiDAR's yaw about its origin.
    public let lidarToShared: Pose
    /// Shared frame → world: what a message carries as the sender's pose.
    public let sharedToWorld: Pose

    /// The alignment of a LiDAR at `lidarPose` (sensor → world).
    public init(lidarPose: Pose) {
        lidarToShared = Pose(x: 0, y: 0, z: 0, yaw: lidarPose.yaw)
        sharedToWorld = lidarPose.composed(with: lidarToShared.inverse)
    }

    /// Shared frame → LiDAR frame.
    public var sharedToLidar: Pose { lidarToShared.inverse }

    /// A sweep moved from the LiDAR frame into the shared frame.
    public func shared(_ points: PointCloud) -> PointCloud { points.transformed(by: lidarToShared) }

    /// Boxes moved from the shared frame back into the LiDAR frame.
    public func lidar(_ boxes: [Box3D]) -> [Box3D] { boxes.map { $0.transformed(by: sharedToLidar) } }
}
