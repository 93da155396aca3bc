import PCLBridge
import V2XCore

/// Voxel-grid downsampling through PCL (`pcl::VoxelGrid`): each occupied cubic voxel of
/// edge `leafSizeMeters` is replaced by the centroid of its points. Intensity is dropped
/// (PCL's XYZ centroid), so the result's intensities are 0.
public struct VoxelFilter: Sendable, Equatable {
    public let leafSizeMeters: Float

    /// - Throws: `V2XError.invalidArgument` unless the leaf size is finite and > 0.
    public init(leafSizeMeters: Float) throws {
        guard leafSizeMeters > 0, leafSizeMeters.isFinite else {
            throw V2XError(.invalidArgument, "voxel leaf size must be finite and > 0, got \(leafSizeMeters)")
        }
        self.leafSizeMeters = leafSizeMeters
    }

    /// Downsamples a cloud. Non-finite points are dropped first.
    public func apply(to cloud: PointCloud) throws -> PointCloud {
        let finite = cloud.droppingNonFinite()
        var xyz = [Float](repeating: 0, count: finite.count * 3)
        for i in 0..<finite.count {
            xyz[3 * i] = finite.x[i]; xyz[3 * i + 1] = finite.y[i]; xyz[3 * i + 2] = finite.z[i]
        }
        // The centroid count never exceeds the input count, so this capacity always suffices.
        var out = [Float](repeating: 0, count: max(3, xyz.count))
        var outCount: Int64 = 0
        let status = xyz.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                v2x_pcl_voxel_filter(
                    input.baseAddress, Int64(finite.count), leafSizeMeters,
                    output.baseAddress, Int64(output.count / 3), &outCount
                )
            }
        }
        guard status == V2X_PCL_OK else {
            throw V2XError(.invalidArgument, "PCL voxel filter failed with status \(status.rawValue)")
        }
        var result = PointCloud()
        result.reserveCapacity(Int(outCount))
        for i in 0..<Int(outCount) {
            result.append(x: out[3 * i], y: out[3 * i + 1], z: out[3 * i + 2], intensity: 0)
        }
        return result
    }
}
