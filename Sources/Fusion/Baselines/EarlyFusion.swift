import V2XCore

/// Raw-point fusion: every agent's sweep moved into the ego's LiDAR frame and merged before
/// perception. An upper bound on what sharing can give, not a bandwidth-feasible design
/// (a 64-beam sweep is megabytes per frame).
public enum EarlyFusion {
    /// The ego's sweep plus each collaborator's, in the ego frame.
    /// - Throws: `V2XError.invalidArgument` when an agent carries no points.
    public static func mergedPoints(ego: AgentObservation, collaborators: [AgentObservation]) throws -> PointCloud {
        guard var merged = ego.points else {
            throw V2XError(.invalidArgument, "early fusion needs the ego's points")
        }
        for agent in collaborators {
            guard let points = agent.points else {
                throw V2XError(.invalidArgument, "early fusion needs the points of agent '\(agent.agentID)'")
            }
            merged.append(contentsOf: points.transformed(by: Pose.relative(from: agent.pose, to: ego.pose)))
        }
        return merged
    }
}
