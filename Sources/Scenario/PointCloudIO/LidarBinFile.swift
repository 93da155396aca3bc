import Foundation
import V2XCore

/// Reads LiDAR sweeps stored as a headerless stream of little-endian float32 (KITTI, nuScenes).
///
/// ```
/// | x f32 | y f32 | z f32 | intensity f32 | (more floats) | x f32 | …
///   ←──────────── floatsPerPoint · 4 bytes per point ────────────→
/// KITTI velodyne .bin:   4 floats (x y z reflectance)
/// nuScenes LIDAR_TOP:    5 floats (x y z intensity ring-index)
/// ```
/// Values keep their exact bits; nuScenes intensities (0…255) are not rescaled.
public enum LidarBinFile {
    /// Floats per point of KITTI's velodyne files.
    public static let kittiFloatsPerPoint = 4
    /// Floats per point of nuScenes' LiDAR files.
    public static let nuScenesFloatsPerPoint = 5

    /// Reads a `.bin` sweep.
    /// - Parameters:
    ///   - url: the file.
    ///   - floatsPerPoint: the stride in floats (≥ 4); x, y, z, intensity are the first four.
    /// - Throws: `V2XError.invalidArgument` for a stride below 4, `.malformedData` (naming the
    ///   file) when its size is not a whole number of points, `.ioFailure` / `.notFound`.
    public static func read(from url: URL, floatsPerPoint: Int = kittiFloatsPerPoint) throws -> PointCloud {
        guard floatsPerPoint >= 4, floatsPerPoint <= 1 << 16 else {
            throw V2XError(.invalidArgument, "floatsPerPoint is \(floatsPerPoint); it must be between 4 and 65536", path: url.path)
        }
        let data = try PCDFile.contents(of: url)
        let stride = 4 * floatsPerPoint
        guard data.count % stride == 0 else {
            throw V2XError(
                .malformedData,
                "\(data.count) bytes is not a whole number of \(floatsPerPoint)-float points (\(stride) bytes each)",
                path: url.path)
        }
        let points = data.count / stride
        let columns = data.withUnsafeBytes { bytes in
            (0..<4).map { channel in
                [Float](unsafeUninitializedCapacity: points) { out, initialized in
                    // In bounds: the last value ends at (points - 1)·stride + 4·channel + 4 ≤ data.count.
                    PCDScalar.f4.gather(bytes, start: 4 * channel, stride: stride, count: points, into: out)
                    initialized = points
                }
            }
        }
        return try PCDFile.cloud(columns, dropNonFinite: false)
    }
}
