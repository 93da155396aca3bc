import Foundation
import V2XCore

/// Conversions between CARLA's frame (as OPV2V and V2XSet store it) and ours.
///
/// CARLA (Unreal) is left-handed: x forward, y right, z up. OPV2V writes poses as
/// `[x, y, z, roll, yaw, pitch]` in metres and degrees, box sizes as half extents and
/// speeds in km/h. Our frame is ROS REP 103: right-handed, x forward, y left, z up,
/// metres, radians, m/s. These conversions are used only at the OPV2V reader/writer edge.
///
/// ## The maths
/// OpenCOOD's `x_to_world(pose)` builds the sensor → world matrix in CARLA coordinates,
/// with `c_· = cos`, `s_· = sin` of roll r, yaw y, pitch p:
/// ```
///     ⎡ c_p c_y   c_y s_p s_r − s_y c_r   −c_y s_p c_r − s_y s_r ⎤
/// M = ⎢ s_y c_p   s_y s_p s_r + c_y c_r   −s_y s_p c_r + c_y s_r ⎥ ,  t = (x, y, z)
///     ⎣ s_p       −c_p s_r                 c_p c_r               ⎦
/// ```
/// A point's CARLA coordinates become ours through the mirror `S = diag(1, −1, 1)`, so the
/// same transform in our frame is `R = S·M·S` (entries (0,1), (1,0), (1,2), (2,1) change
/// sign) and `t' = S·t`. Comparing `R` with `Rz(ψ)·Ry(θ)·Rx(φ)` gives the Euler angles:
/// `φ = +roll`, `θ = −pitch`, `ψ = −yaw` (radians). In words: mirroring y turns
/// clockwise-positive yaw and pitch into counter-clockwise ones and leaves roll alone.
public enum CARLAConvention {
    /// The mirror between the frames is its own inverse: `(x, y, z) ↦ (x, −y, z)`.
    @inlinable
    public static func mirrored(_ p: SIMD3<Double>) -> SIMD3<Double> { SIMD3(p.x, -p.y, p.z) }

    /// Kilometres per hour in one metre per second.
    public static let kilometersPerHourPerMeterPerSecond = 3.6

    /// Our pose from an OPV2V pose array `[x, y, z, roll, yaw, pitch]` (CARLA, metres, degrees).
    ///
    /// Built literally as `S·M·S` from OpenCOOD's matrix `M` (see the type's documentation).
    /// - Throws: `V2XError.shapeMismatch` unless there are six numbers,
    ///   `V2XError.nonFiniteValue` when one is NaN or infinite.
    public static func pose(fromCARLA values: [Double]) throws -> Pose {
        guard values.count == 6 else {
            throw V2XError(.shapeMismatch, "a CARLA pose has 6 numbers [x, y, z, roll, yaw, pitch], found \(values.count)")
        }
        guard values.allSatisfy(\.isFinite) else {
            throw V2XError(.nonFiniteValue, "a CARLA pose has a non-finite number: \(values)")
        }
        let degrees = Double.pi / 180
        let (x, y, z) = (values[0], values[1], values[2])
        let (roll, yaw, pitch) = (values[3] * degrees, values[4] * degrees, values[5] * degrees)
        let (cy, sy) = (cos(yaw), sin(yaw))
        let (cr, sr) = (cos(roll), sin(roll))
        let (cp, sp) = (cos(pitch), sin(pitch))
        // M as OpenCOOD's x_to_world builds it (CARLA coordinates) …
        let m = [
            cp * cy, cy * sp * sr - sy * cr, -cy * sp * cr - sy * sr,
            sy * cp, sy * sp * sr + cy * cr, -sy * sp * cr + cy * sr,
            sp, -cp * sr, cp * cr,
        ]
        // … and S·M·S: S = diag(1, −1, 1) flips the sign of every entry with exactly one
        // index equal to 1 (the y row or the y column, not both).
        let sign: [Double] = [1, -1, 1, -1, 1, -1, 1, -1, 1]
        return Pose(rotation: zip(m, sign).map { $0 * $1 }, translation: mirrored(SIMD3(x, y, z)))
    }

    /// The OPV2V pose array `[x, y, z, roll, yaw, pitch]` (CARLA, metres, degrees) of our pose.
    ///
    /// The inverse of `pose(fromCARLA:)` up to the usual Euler ambiguity at pitch = ±90°.
    public static func carlaPose(from pose: Pose) -> [Double] {
        let t = mirrored(pose.translation)
        let degrees = 180 / Double.pi
        return [t.x, t.y, t.z, pose.roll * degrees, -pose.yaw * degrees, -pose.pitch * degrees]
    }

    /// Our heading (radians, counter-clockwise about +z) from a CARLA yaw in degrees.
    @inlinable
    public static func yawRadians(fromCARLADegrees yaw: Double) -> Double {
        Box3D.normalizedAngle(-yaw * .pi / 180)
    }

    /// The CARLA yaw in degrees (clockwise about +z seen from above) of our heading.
    @inlinable
    public static func carlaYawDegrees(fromRadians yaw: Double) -> Double {
        -yaw * 180 / .pi
    }

    /// A point cloud mirrored between the frames (the map is its own inverse).
    public static func mirrored(_ cloud: PointCloud) throws -> PointCloud {
        try PointCloud(x: cloud.x, y: cloud.y.map { -$0 }, z: cloud.z, intensity: cloud.intensity)
    }
}
