/// A LiDAR sweep as a structure of arrays (Float32), in the sensor frame unless said otherwise.
///
/// ```
/// x:         [x0, x1, x2, …]   metres
/// y:         [y0, y1, y2, …]   metres
/// z:         [z0, z1, z2, …]   metres
/// intensity: [i0, i1, i2, …]   reflectance in [0, 1]
/// ```
/// All four arrays always have the same length.
public struct PointCloud: Sendable, Equatable {
    public private(set) var x: [Float]
    public private(set) var y: [Float]
    public private(set) var z: [Float]
    public private(set) var intensity: [Float]

    /// An empty cloud.
    public init() {
        x = []; y = []; z = []; intensity = []
    }

    /// Creates a cloud from equal-length arrays.
    /// - Throws: `V2XError.shapeMismatch` when the lengths differ.
    public init(x: [Float], y: [Float], z: [Float], intensity: [Float]) throws {
        guard x.count == y.count, y.count == z.count, z.count == intensity.count else {
            throw V2XError(
                .shapeMismatch,
                "point arrays differ in length: x \(x.count), y \(y.count), z \(z.count), intensity \(intensity.count)"
            )
        }
        self.x = x; self.y = y; self.z = z; self.intensity = intensity
    }

    /// Number of points.
    public var count: Int { x.count }
    public var isEmpty: Bool { x.isEmpty }

    /// Reserves room for `n` points.
    public mutating func reserveCapacity(_ n: Int) {
        x.reserveCapacity(n); y.reserveCapacity(n); z.reserveCapacity(n); intensity.reserveCapacity(n)
    }

    /// Appends one point.
    public mutating func append(x px: Float, y py: Float, z pz: Float, intensity pi: Float) {
        x.append(px); y.append(py); z.append(pz); intensity.append(pi)
    }

    /// Appends every point of another cloud.
    public mutating func append(contentsOf other: PointCloud) {
        x += other.x; y += other.y; z += other.z; intensity += other.intensity
    }

    /// The points whose coordinates are all finite.
    public func droppingNonFinite() -> PointCloud {
        var out = PointCloud()
        out.reserveCapacity(count)
        for i in 0..<count where x[i].isFinite && y[i].isFinite && z[i].isFinite {
            out.append(x: x[i], y: y[i], z: z[i], intensity: intensity[i])
        }
        return out
    }

    /// The cloud mapped through `pose` (e.g. sensor → world).
    public func transformed(by pose: Pose) -> PointCloud {
        var out = PointCloud()
        out.reserveCapacity(count)
        for i in 0..<count {
            let p = pose.apply(SIMD3(Double(x[i]), Double(y[i]), Double(z[i])))
            out.append(x: Float(p.x), y: Float(p.y), z: Float(p.z), intensity: intensity[i])
        }
        return out
    }
}
