import Fusion
import Metrics
import V2XCore

/// The heat layer `render --sent-cells` draws: every collaborator's sent cells, warped into
/// the ego's LiDAR frame, valued by the confidence the sender attached (1 without one); the
/// largest value where several overlap.
enum SentCellsHeat {
    /// - Parameters:
    ///   - collaborators: what the ego received this frame (shared-frame poses, sent masks).
    ///   - grid: the feature grid of the senders' maps, also used for the ego's layer.
    ///   - egoLidarPose: the ego's LiDAR → world pose, the frame the picture is drawn in.
    static func layer(collaborators: [AgentObservation], grid: BEVGrid, egoLidarPose: Pose) throws -> CellHeatLayer {
        var values = [Float](repeating: 0, count: grid.cellCount)
        for agent in collaborators {
            guard let mask = agent.sentMask else { continue }
            let sourceGrid = agent.grid ?? grid
            let scores = mask.enumerated().map { cell, sent in sent ? (agent.confidence?[cell] ?? 1) : 0 }
            let warped = try FeatureWarp(sourceGrid: sourceGrid, targetGrid: grid)
                .warpScalar(scores, sourcePose: agent.pose, targetPose: egoLidarPose)
            for cell in values.indices { values[cell] = max(values[cell], warped[cell]) }
        }
        return try CellHeatLayer(grid: grid, values: values)
    }
}
