import Foundation
import V2XCore

/// The DAIR-V2X-C calibration chain, as sensor → world poses in DAIR's world frame.
///
/// ```
/// infrastructure LiDAR ──virtuallidar_to_world──▶ world ◀──novatel_to_world── vehicle NovAtel
///                                                                    ▲
///                                             lidar_to_novatel ──────┘── vehicle LiDAR
/// ```
/// A DAIR transform file maps `p_to = R · p_from + t`, which is exactly our `Pose`. The
/// vehicle LiDAR pose is `novatel_to_world ∘ lidar_to_novatel`; the infrastructure →
/// vehicle-LiDAR transform of the DAIR devkit (`Coord_Infrastructure_lidar2Vehicle_lidar`)
/// is then `Pose.relative(from: infrastructure, to: vehicle)`.
public enum DAIRCalibration {
    /// `{"rotation": [[…], […], […]], "translation": [[x], [y], [z]]}`.
    struct Transform: Decodable {
        let rotation: DAIRRotation
        let translation: DAIRTranslation
    }

    /// `lidar_to_novatel` nests its transform: `{"transform": {"rotation": …, "translation": …}}`.
    struct NestedTransform: Decodable {
        let transform: Transform
    }

    /// Largest allowed deviation of `R·Rᵀ` from the identity (per entry) and of det R from 1.
    /// Calibration files carry about six significant digits; anything further off is not
    /// a rotation (a transposed or mistyped matrix, say).
    public static let rotationTolerance = 1e-3

    /// The vehicle LiDAR → world pose: `novatel_to_world ∘ lidar_to_novatel`.
    /// - Throws: `V2XError` naming the file that is missing or malformed.
    public static func vehicleLidarPose(lidarToNovatel: URL, novatelToWorld: URL) throws -> Pose {
        let lidarToNovatelPose = try pose(DAIRJSON.read(NestedTransform.self, from: lidarToNovatel).transform, path: lidarToNovatel.path)
        let novatelToWorldPose = try pose(DAIRJSON.read(Transform.self, from: novatelToWorld), path: novatelToWorld.path)
        return novatelToWorldPose.composed(with: lidarToNovatelPose)
    }

    /// The infrastructure (virtual) LiDAR → world pose from `virtuallidar_to_world`.
    /// - Throws: `V2XError` naming the file that is missing or malformed.
    public static func infrastructureLidarPose(virtualLidarToWorld: URL) throws -> Pose {
        try pose(DAIRJSON.read(Transform.self, from: virtualLidarToWorld), path: virtualLidarToWorld.path)
    }

    /// The pose of a transform, after checking that its rotation is one.
    static func pose(_ transform: Transform, path: String) throws -> Pose {
        let r = transform.rotation.rowMajor
        for i in 0..<3 {
            for j in 0..<3 {
                let dot = r[3 * i] * r[3 * j] + r[3 * i + 1] * r[3 * j + 1] + r[3 * i + 2] * r[3 * j + 2]
                guard abs(dot - (i == j ? 1 : 0)) <= rotationTolerance else {
                    throw V2XError(.malformedData, "'rotation' is not a rotation matrix (rows are not orthonormal): \(r)", path: path)
                }
            }
        }
        let determinant = r[0] * (r[4] * r[8] - r[5] * r[7]) - r[1] * (r[3] * r[8] - r[5] * r[6]) + r[2] * (r[3] * r[7] - r[4] * r[6])
        guard abs(determinant - 1) <= rotationTolerance else {
            throw V2XError(.malformedData, "'rotation' has determinant \(determinant); a rotation has 1", path: path)
        }
        return Pose(rotation: r, translation: transform.translation.vector)
    }
}
