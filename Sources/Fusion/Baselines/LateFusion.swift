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
                if compensatesMotion, age > 0, let velocity = velocity(of: world, previous: agent.previous, now: agent.captureTime) {
                    world.x += velocity.x * age
                    world.y += velocity.y * age
                }
                all.append(world.transformed(by: worldToEgo))
            }
        }
        return nms.suppress(all)
    }

    /// The planar velocity of a world-frame box from its nearest same-class match in the
    /// previous snapshot, or `nil` without a usable match.
    func velocity(of box: Box3D, previous: BoxSnapshot?, now: Timestamp) -> SIMD2<Double>? {
        guard let previous else { return nil }
        let dt = now.seconds(since: previous.captureTime)
        guard dt > 0 else { return nil }
        let gate = maxSpeedMetersPerSecond * dt
        var best: (distance: Double, box: Box3D)?
        for candidate in previous.boxes where candidate.label == box.label {
            let world = candidate.transformed(by: previous.pose)
            let d = ((world.x - box.x) * (world.x - box.x) + (world.y - box.y) * (world.y - box.y)).squareRoot()
            if d <= gate, d < (best?.distance ?? .infinity) { best = (d, world) }
        }
        guard let match = best?.box else { return nil }
        return SIMD2((box.x - match.x) / dt, (box.y - match.y) / dt)
    }
}
