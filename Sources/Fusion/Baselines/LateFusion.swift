import Foundation
import Perception
import V2XCore

/// Box-level fusion: every agent's detections placed in the ego frame, then one rotated NMS.
///
/// Time compensation (DAIR-V2X's TCLF): a collaborator's box is matched to the nearest box
/// of the same class in its previous frame (both in world coordinates, within the distance a
/// `maxSpeed` object covers between the two frames); the difference gives a velocity, and the
/// box is moved by `velocity · age`, where `age` is how much older the collaborator's sweep is
/// than the ego's. Unmatched boxes stay where they were seen.
public struct LateFusion: Sendable, Equatable {
    public let nms: RotatedNMS
    /// Whether to extrapolate collaborators' boxes to the ego's sweep time.
    public var compensatesMotion: Bool
    /// The fastest plausible object, m/s: the matching gate between frames.
    public var maxSpeedMetersPerSecond: Double

    /// - Throws: `V2XError.invalidArgument` for an IoU threshold outside (0, 1].
    public init(nmsIoUThreshold: Double = 0.1, compensatesMotion: Bool = true, maxSpeedMetersPerSecond: Double = 40) throws {
        nms = try RotatedNMS(iouThreshold: nmsIoUThreshold)
        self.compensatesMotion = compensatesMotion
        self.maxSpeedMetersPerSecond = maxSpeedMetersPerSecond
    }

    /// The fused detections in the ego's LiDAR frame, best first.
    public func fuse(ego: AgentObservation, collaborators: [AgentObservation]) -> [Box3D] {
        let worldToEgo = ego.pose.inverse
        var all = ego.boxes
        for agent in collaborators {
            let age = ego.captureTime.seconds(since: agent.captureTime)
            for box in agent.boxes {
                var world = box.transformed(by: agent.pose)
                if compensatesMotion, age > 0,
                   let velocity = agent.history.first?.velocity(of: world, now: agent.captureTime, maxSpeedMetersPerSecond: maxSpeedMetersPerSecond) {
                    world.x += velocity.x * age
                    world.y += velocity.y * age
                }
                all.append(world.transformed(by: worldToEgo))
            }
        }
        return nms.suppress(all)
    }
}
