import Foundation

/// A rigid transform in SE(3): `p_parent = rotation * p_child + translation`.
///
/// Frames follow ROS REP 103 (right-handed, x forward, y left, z up); metres and
/// radians. A LiDAR pose maps points from the sensor frame to the world frame.
/// The rotation is kept as a row-major 3×3 matrix in `Double` so that chains of
/// world-scale transforms (hundreds of metres) stay exact to well below a millimetre.
public struct Pose: Sendable, Equatable, Codable {
    /// Row-major rotation matrix `[r00, r01, r02, r10, …, r22]`.
    public var rotation: [Double]
    /// Translation in metres.
    public var translation: SIMD3<Double>

    /// The identity transform.
    public static let identity = Pose(rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], translation: .zero)

    /// Creates a pose from a row-major rotation matrix and a translation.
    /// - Precondition: `rotation.count == 9`.
    public init(rotation: [Double], translation: SIMD3<Double>) {
        precondition(rotation.count == 9, "Pose rotation must be a 3×3 matrix")
        self.rotation = rotation
        self.translation = translation
    }

    /// Creates a pose from position and intrinsic Z-Y-X Euler angles (yaw about z,
    /// then pitch about y, then roll about x): `R = Rz(yaw) · Ry(pitch) · Rx(roll)`.
    public init(x: Double, y: Double, z: Double, roll: Double = 0, pitch: Double = 0, yaw: Double) {
        let (cr, sr) = (cos(roll), sin(roll))
        let (cp, sp) = (cos(pitch), sin(pitch))
        let (cy, sy) = (cos(yaw), sin(yaw))
        rotation = [
            cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr,
            sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr,
            -sp, cp * sr, cp * cr,
        ]
        translation = SIMD3(x, y, z)
    }

    /// Yaw (rotation about z) in radians, in (-π, π].
    public var yaw: Double { atan2(rotation[3], rotation[0]) }
    /// Pitch (rotation about y) in radians, in [-π/2, π/2].
    public var pitch: Double { asin(max(-1, min(1, -rotation[6]))) }
    /// Roll (rotation about x) in radians, in (-π, π].
    public var roll: Double { atan2(rotation[7], rotation[8]) }

    /// Maps a point from the child frame to the parent frame.
    @inlinable
    public func apply(_ p: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(
            rotation[0] * p.x + rotation[1] * p.y + rotation[2] * p.z,
            rotation[3] * p.x + rotation[4] * p.y + rotation[5] * p.z,
            rotation[6] * p.x + rotation[7] * p.y + rotation[8] * p.z
        ) + translation
    }

    /// Rotates a direction (no translation).
    @inlinable
    public func rotate(_ v: SIMD3<Double>) -> SIMD3<Double> {
        SIMD3(
            rotation[0] * v.x + rotation[1] * v.y + rotation[2] * v.z,
            rotation[3] * v.x + rotation[4] * v.y + rotation[5] * v.z,
            rotation[6] * v.x + rotation[7] * v.y + rotation[8] * v.z
        )
    }

    /// The inverse transform (parent → child).
    public var inverse: Pose {
        let r = rotation
        let rt = [r[0], r[3], r[6], r[1], r[4], r[7], r[2], r[5], r[8]]
        let t = translation
        let ti = -SIMD3(
            rt[0] * t.x + rt[1] * t.y + rt[2] * t.z,
            rt[3] * t.x + rt[4] * t.y + rt[5] * t.z,
            rt[6] * t.x + rt[7] * t.y + rt[8] * t.z
        )
        return Pose(rotation: rt, translation: ti)
    }

    /// Composition `self ∘ other`: first `other`, then `self`.
    public func composed(with other: Pose) -> Pose {
        var r = [Double](repeating: 0, count: 9)
        for i in 0..<3 {
            for j in 0..<3 {
                r[i * 3 + j] = rotation[i * 3] * other.rotation[j]
                    + rotation[i * 3 + 1] * other.rotation[3 + j]
                    + rotation[i * 3 + 2] * other.rotation[6 + j]
            }
        }
        return Pose(rotation: r, translation: apply(other.translation))
    }

    /// The transform from `source`'s frame into `target`'s frame, where both poses map
    /// into a common (world) frame: `target⁻¹ ∘ source`.
    public static func relative(from source: Pose, to target: Pose) -> Pose {
        target.inverse.composed(with: source)
    }
}
