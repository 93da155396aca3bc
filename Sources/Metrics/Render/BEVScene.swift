import Scenario
import V2XCore

/// Everything one BEV picture shows, in the ego LiDAR frame: each agent's points and pose,
/// ground truth, detections and an optional heat layer of sent cells.
public struct BEVScene: Sendable {
    /// One agent's contribution.
    public struct Agent: Sendable {
        public var id: String
        public var kind: AgentKind
        /// The agent's LiDAR pose in the ego frame (agent sensor → ego sensor).
        public var poseInEgo: Pose
        /// The agent's sweep in the ego frame.
        public var points: PointCloud

        public init(id: String, kind: AgentKind, poseInEgo: Pose, points: PointCloud) {
            self.id = id; self.kind = kind; self.poseInEgo = poseInEgo; self.points = points
        }
    }

    /// A caption drawn in the top-left corner.
    public var title: String
    /// Agents, ego first (their colours follow this order).
    public var agents: [Agent]
    public var groundTruth: [Box3D]
    public var detections: [Box3D]
    public var heat: CellHeatLayer?

    public init(title: String, agents: [Agent], groundTruth: [Box3D], detections: [Box3D], heat: CellHeatLayer? = nil) {
        self.title = title; self.agents = agents
        self.groundTruth = groundTruth; self.detections = detections; self.heat = heat
    }

    /// A scene from a scenario frame: every agent's sweep moved into the ego frame with the
    /// true LiDAR poses (`Pose.relative(from: agent, to: ego)`), the ego first.
    /// - Throws: `V2XError.notFound` when the ego is not in the frame.
    public init(
        frame: ScenarioFrame, egoID: String, title: String, groundTruth: [Box3D], detections: [Box3D], heat: CellHeatLayer? = nil
    ) throws {
        guard let ego = frame.agents.first(where: { $0.agentID == egoID }) else {
            throw V2XError(.notFound, "agent \(egoID) is not in frame \(frame.frameID)")
        }
        let ordered = [ego] + frame.agents.filter { $0.agentID != egoID }
        let agents = ordered.map { agent in
            let pose = Pose.relative(from: agent.lidarPose, to: ego.lidarPose)
            return Agent(id: agent.agentID, kind: agent.kind, poseInEgo: pose, points: agent.points.transformed(by: pose))
        }
        self.init(title: title, agents: agents, groundTruth: groundTruth, detections: detections, heat: heat)
    }
}
