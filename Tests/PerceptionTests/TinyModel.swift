import Perception
import V2XCore

/// A detector small enough for fast tests: 16×16 input cells of 0.4 m, 8×8 feature cells.
enum TinyModel {
    static let config = DetectorConfig(
        grid: try! BEVGrid(minX: -3.2, maxX: 3.2, minY: -3.2, maxY: 3.2, cellSizeMeters: 0.4),
        minZMeters: -3, maxZMeters: 3, classes: [.vehicle],
        pillarChannels: 4, stage1Channels: 4, stage1Convs: 2, stage2Channels: 6, stage2Convs: 1,
        upsampleChannels: 3, headChannels: 5, maxDetections: 10, scoreThreshold: 0.1, nmsIoUThreshold: 0.1
    )

    /// A few points on a box-shaped blob plus scattered ground.
    static func cloud(seed: UInt64) -> PointCloud {
        var rng = SplitMix64(seed: seed)
        var c = PointCloud()
        for _ in 0..<120 {
            c.append(x: Float.random(in: 0.2...1.8, using: &rng), y: Float.random(in: -0.5...0.5, using: &rng),
                     z: Float.random(in: -1...0.5, using: &rng), intensity: Float.random(in: 0...1, using: &rng))
        }
        for _ in 0..<60 {
            c.append(x: Float.random(in: -3...3, using: &rng), y: Float.random(in: -3...3, using: &rng),
                     z: -1.7, intensity: 0.1)
        }
        return c
    }

    static let box = Box3D(x: 1.0, y: 0.1, z: -0.3, l: 1.8, w: 1.0, h: 1.5, yaw: 0.3, label: .car)
}
