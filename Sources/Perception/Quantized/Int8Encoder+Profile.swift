import Dispatch
import V2XCore

/// The time one encoder layer took on one sweep and the arithmetic it did.
public struct LayerTiming: Sendable {
    /// The layer (``EncoderLayers``), or `pillarize` / `concat` for the fp32 steps around them.
    public let layer: String
    /// Whether the layer ran on the int8 kernels.
    public let isInt8: Bool
    public let seconds: Double
    /// Multiply–adds × 2 (0 for `pillarize` and `concat`).
    public let operations: Double
}

extension Int8Encoder {
    /// ``encode(_:sensorToWorld:)`` with each step timed: `pillarize`, every layer, then
    /// `concat` (dequantization and concatenation into the shared map).
    public func encodeProfiled(_ points: PointCloud, sensorToWorld: Pose = .identity) throws -> (features: BEVFeatures, timings: [LayerTiming]) {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let pillars = pillarizer.pillarize(points)
        let t1 = DispatchTime.now().uptimeNanoseconds
        var timings = [LayerTiming(layer: "pillarize", isInt8: false, seconds: Double(t1 - t0) / 1e9, operations: 0)]
        let int8 = [pipeline.pillar.isInt8] + pipeline.chain.map(\.isInt8)
        let operations = layerOperations(pointCount: pillars.pointCount)
        var layer = 0
        var last = t1
        let map = try pipeline.run(pillars) { name, _, nanoseconds in
            timings.append(LayerTiming(layer: name, isInt8: int8[layer], seconds: Double(nanoseconds) / 1e9, operations: operations[layer]))
            layer += 1
            last = DispatchTime.now().uptimeNanoseconds
        }
        let t2 = DispatchTime.now().uptimeNanoseconds
        timings.append(LayerTiming(layer: "concat", isInt8: false, seconds: Double(t2 - last) / 1e9, operations: 0))
        return (try BEVFeatures(grid: config.featureGrid, map: map, sensorToWorld: sensorToWorld), timings)
    }

    /// `2 ·` multiply–adds of each layer, in ``EncoderLayers`` order, for a sweep of `pointCount` kept points.
    func layerOperations(pointCount: Int) -> [Double] {
        let c = config
        var (height, width) = (c.grid.height, c.grid.width)
        var ops = [2.0 * Double(pointCount * Pillars.featureCount * c.pillarChannels)]
        var channels = c.pillarChannels
        for (count, out) in [(c.stage1Convs, c.stage1Channels), (c.stage2Convs, c.stage2Channels)] {
            for i in 0..<count {
                if i == 0 { height /= 2; width /= 2 }
                ops.append(2.0 * Double(height * width * out * 9 * channels))
                channels = out
            }
        }
        ops.append(2.0 * Double(height * width * 4 * c.upsampleChannels * channels))
        return ops
    }
}
