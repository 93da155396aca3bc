import V2XCore

/// One sweep of the node's own agent, as the node needs it.
public struct NodeFrame: Sendable {
    /// The frame's name in the scenario (what detections and logs are keyed by).
    public var frameID: String
    /// Capture time of the sweep, scenario clock.
    public var captureTime: Timestamp
    /// The LiDAR pose the agent believes (GNSS-noisy), sensor → world.
    public var pose: Pose
    /// How far `pose` may be off (goes into the message as a covariance).
    public var poseUncertainty: PoseUncertainty
    /// The sweep in the sensor frame.
    public var points: PointCloud

    public init(frameID: String, captureTime: Timestamp, pose: Pose, poseUncertainty: PoseUncertainty = .exact, points: PointCloud) {
        self.frameID = frameID; self.captureTime = captureTime; self.pose = pose
        self.poseUncertainty = poseUncertainty; self.points = points
    }
}

/// Where a node's sweeps come from: a scenario reader in `v2x node`, synthetic sweeps in tests.
public protocol NodeFrameSource {
    /// Nominal capture time of every frame, ascending, known without loading the sweeps: the
    /// node starts on a frame when the scenario clock reaches it.
    var captureTimes: [Timestamp] { get }
    /// Loads frame `index`.
    func frame(at index: Int) throws -> NodeFrame
}
