import V2XCore

/// One agent's sensor sweep at one frame, as read from a dataset or made by the generator.
public struct AgentFrame: Sendable, Equatable {
    /// The agent's id as the dataset names it (OPV2V folder name, "vehicle"/"infrastructure" for DAIR).
    public var agentID: String
    public var kind: AgentKind
    /// Capture time of the sweep on the agent's own clock.
    public var timestamp: Timestamp
    /// LiDAR pose: sensor frame → world frame, as the agent believes it (may carry GNSS noise).
    public var lidarPose: Pose
    /// The sweep in the sensor frame.
    public var points: PointCloud
    /// Objects this agent's annotation lists, in the world frame.
    public var objects: [SceneObject]

    public init(
        agentID: String, kind: AgentKind, timestamp: Timestamp, lidarPose: Pose,
        points: PointCloud, objects: [SceneObject]
    ) {
        self.agentID = agentID; self.kind = kind; self.timestamp = timestamp
        self.lidarPose = lidarPose; self.points = points; self.objects = objects
    }
}
