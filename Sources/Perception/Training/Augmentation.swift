import Foundation
import V2XCore

/// Global augmentation applied to a sample's points and boxes together (sensor frame):
/// optional mirror across the x axis (`y → −y`), then rotation about z by
/// `θ ~ U(−maxRotation, maxRotation)`, then scaling by `s ~ U(minScale, maxScale)`.
public struct Augmentation: Sendable, Equatable, Codable {
    public var flipProbability: Double
    public var maxRotationRadians: Double
    public var minScale: Double
    public var maxScale: Double

    /// The usual PointPillars/CenterPoint ranges: flip ½, ±π/4, scale 0.95–1.05.
    public static let standard = Augmentation(flipProbability: 0.5, maxRotationRadians: .pi / 4, minScale: 0.95, maxScale: 1.05)
    /// No change.
    public static let none = Augmentation(flipProbability: 0, maxRotationRadians: 0, minScale: 1, maxScale: 1)

    public init(flipProbability: Double, maxRotationRadians: Double, minScale: Double, maxScale: Double) {
        self.flipProbability = flipProbability; self.maxRotationRadians = maxRotationRadians
        self.minScale = minScale; self.maxScale = maxScale
    }

    /// One random draw of the transform.
    public struct Draw: Sendable, Equatable {
        public var flip: Bool
        public var rotation: Double
        public var scale: Double

        public init(flip: Bool, rotation: Double, scale: Double) {
            self.flip = flip; self.rotation = rotation; self.scale = scale
        }
    }

    /// Draws the transform's parameters.
    public func draw<G: RandomNumberGenerator>(using rng: inout G) -> Draw {
        let flip = flipProbability > 0 && Double.random(in: 0..<1, using: &rng) < flipProbability
        let rotation = maxRotationRadians > 0 ? Double.random(in: -maxRotationRadians...maxRotationRadians, using: &rng) : 0
        let scale = maxScale > minScale ? Double.random(in: minScale...maxScale, using: &rng) : minScale
        return Draw(flip: flip, rotation: rotation, scale: scale)
    }

    /// The sample under a drawn transform.
    public static func apply(_ d: Draw, to sample: TrainingSample) -> TrainingSample {
        let (c, s) = (cos(d.rotation), sin(d.rotation))
        let fy: Double = d.flip ? -1 : 1
        let p = sample.points
        var xs = [Float](repeating: 0, count: p.count), ys = xs, zs = xs
        let (cf, sf, sc, fyf) = (Float(c), Float(s), Float(d.scale), Float(fy))
        for i in 0..<p.count {
            let x = p.x[i], y = p.y[i] * fyf
            xs[i] = (cf * x - sf * y) * sc
            ys[i] = (sf * x + cf * y) * sc
            zs[i] = p.z[i] * sc
        }
        // Same lengths as the source cloud, so this cannot fail.
        let points = (try? PointCloud(x: xs, y: ys, z: zs, intensity: p.intensity)) ?? PointCloud()
        let boxes = sample.boxes.map { b -> Box3D in
            var o = b
            let y = b.y * fy
            o.x = (c * b.x - s * y) * d.scale
            o.y = (s * b.x + c * y) * d.scale
            o.z = b.z * d.scale
            o.l = b.l * d.scale; o.w = b.w * d.scale; o.h = b.h * d.scale
            o.yaw = Box3D.normalizedAngle((d.flip ? -b.yaw : b.yaw) + d.rotation)
            return o
        }
        return TrainingSample(points: points, boxes: boxes)
    }
}
