import V2XCore

/// One agent's sensor sweep at one frame, as read from a dataset or made by the generator.
public struct AgentFrame: Sendable, Equatable {
    /// The agent's id as the dataset names it (OPV2V folder name, "vehicle"/"infrastructure" for DAIR).
    public var agentID: String
    public var kind: AgentKind
    /// Capture time of the sweep on the agent's own clock (which may be offset from true time).
    public var timestamp: Timestamp
    /// True LiDAR pose: sensor frame → world frame. Ground truth is projected with it.
    public var lidarPose: Pose
    /// The LiDAR pose the agent believes and would broadcast (GNSS/localisation error
    /// included); equal to `lidarPose` when the data carries no separate estimate.
    public var reportedLidarPose: Pose
    /// The sweep in the sensor frame.
    public var points: PointCloud
    /// Objects this agent's annotation lists, in the world frame.
    public var objects: [SceneObject]

    public init(
        agentID: String, kind: AgentKind, timestamp: Timestamp, lidarPose: Pose,
        reportedLidarPose: Pose? = nil, points: PointCloud, objects: [SceneObject]
    ) {
        self.agentID = agentID; self.kind = kind; self.timestamp = timestamp
        self.lidarPose = lidarPose; self.reportedLidarPose = reportedLidarPose ?? lidarPose
        self.points = points; self.objects = objects
    }
}
