import Foundation
import V2XCore

/// GNSS-like noise on a collaborator's reported pose: independent Gaussian errors on x, y
/// and yaw, drawn deterministically per (seed, agent, frame) so every run and every setting
/// sees the same errors.
public struct PoseNoise: Sendable, Equatable, Codable {
    public var positionSigmaMeters: Double
    public var yawSigmaRadians: Double

    /// No noise.
    public static let none = PoseNoise(positionSigmaMeters: 0, yawSigmaRadians: 0)

    public init(positionSigmaMeters: Double, yawSigmaRadians: Double) {
        self.positionSigmaMeters = positionSigmaMeters; self.yawSigmaRadians = yawSigmaRadians
    }

    /// σ metres of position with the matching heading noise of the literature's convention
    /// (CoAlign, V2X-ViT): σ degrees of yaw numerically equal to σ metres (0.2 m ↔ 0.2°).
    public static func matching(positionSigmaMeters sigma: Double) -> PoseNoise {
        PoseNoise(positionSigmaMeters: sigma, yawSigmaRadians: sigma * .pi / 180)
    }

    /// What a receiver is told about this noise (the sender's reported covariance).
    public var uncertainty: PoseUncertainty {
        PoseUncertainty(positionSigmaMeters: positionSigmaMeters, yawSigmaRadians: yawSigmaRadians)
    }

    /// `pose` with planar noise applied in the world frame (x, y shifted, yaw turned about the
    /// sensor); identical for identical (seed, agent, frame).
    public func perturb(_ pose: Pose, seed: UInt64, agentID: String, frameIndex: Int) -> Pose {
        guard positionSigmaMeters > 0 || yawSigmaRadians > 0 else { return pose }
        var rng = SplitMix64.stream(seed: seed, Self.stableHash(agentID), UInt64(bitPattern: Int64(frameIndex)))
        let dx = positionSigmaMeters * Self.gaussian(&rng)
        let dy = positionSigmaMeters * Self.gaussian(&rng)
        let dyaw = yawSigmaRadians * Self.gaussian(&rng)
        let turn = Pose(x: 0, y: 0, z: 0, yaw: dyaw)
        var noisy = Pose(rotation: turn.composed(with: Pose(rotation: pose.rotation, translation: .zero)).rotation,
                         translation: pose.translation)
        noisy.translation.x += dx
        noisy.translation.y += dy
        return noisy
    }

    /// A standard normal sample (Box–Muller).
    static func gaussian(_ rng: inout SplitMix64) -> Double {
        let u = max(rng.nextUnit(), 0x1p-53), v = rng.nextUnit()
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }

    /// FNV-1a of the UTF-8 bytes: stable across processes (unlike `Hasher`).
    static func stableHash(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
