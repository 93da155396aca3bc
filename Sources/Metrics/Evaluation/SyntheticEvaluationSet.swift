import Foundation
import V2XCore

/// A reproducible detections/ground-truth pair for benchmarking and testing the evaluator
/// at scale, without a dataset.
///
/// Each frame holds `boxesPerFrame` cars scattered uniformly over ±50 m (centres are
/// independent, so neighbouring cars occasionally overlap). Detections: each
/// car is found with probability `recall` (centre jitter ±0.5 m per axis, heading ±0.1 rad,
/// size ±10 %, score rising with the overlap), and the frame gets false positives until it
/// holds `boxesPerFrame` detections on average.
public struct SyntheticEvaluationSet: Sendable {
    public var predictions: [FrameBoxes]
    public var groundTruth: [GroundTruthFrame]

    /// - Throws: `V2XError.invalidArgument` for negative counts or a recall outside [0, 1].
    public init(frames: Int, boxesPerFrame: Int, recall: Double = 0.8, seed: UInt64 = 1) throws {
        guard frames >= 0, boxesPerFrame >= 0, (0...1).contains(recall) else {
            throw V2XError(.invalidArgument, "need frames ≥ 0, boxes ≥ 0 and recall in [0, 1]")
        }
        var rng = SplitMix64(seed: seed)
        var predictions: [FrameBoxes] = []
        var truth: [GroundTruthFrame] = []
        predictions.reserveCapacity(frames)
        truth.reserveCapacity(frames)
        for f in 0..<frames {
            let name = String(format: "%06d", f)
            var gt: [Box3D] = []
            var dets: [Box3D] = []
            for _ in 0..<boxesPerFrame {
                let car = Box3D(
                    x: .random(in: -50...50, using: &rng), y: .random(in: -50...50, using: &rng), z: 0.8,
                    l: .random(in: 3.8...5, using: &rng), w: .random(in: 1.7...2.1, using: &rng), h: 1.6,
                    yaw: .random(in: -Double.pi...Double.pi, using: &rng)
                )
                gt.append(car)
                guard Double.random(in: 0..<1, using: &rng) < recall else { continue }
                var d = car
                d.x += .random(in: -0.5...0.5, using: &rng)
                d.y += .random(in: -0.5...0.5, using: &rng)
                d.yaw += .random(in: -0.1...0.1, using: &rng)
                d.l *= .random(in: 0.9...1.1, using: &rng)
                d.w *= .random(in: 0.9...1.1, using: &rng)
                d.score = min(1, max(0, 0.3 + 0.7 * RotatedIoU.bev(d, car) + .random(in: -0.1...0.1, using: &rng)))
                dets.append(d)
            }
            while dets.count < boxesPerFrame {
                dets.append(Box3D(
                    x: .random(in: -50...50, using: &rng), y: .random(in: -50...50, using: &rng), z: 0.8,
                    l: 4.4, w: 1.9, h: 1.6, yaw: .random(in: -Double.pi...Double.pi, using: &rng),
                    score: .random(in: 0.05...0.7, using: &rng)
                ))
            }
            let stamp = Timestamp(nanoseconds: Int64(f) * 100_000_000)
            predictions.append(FrameBoxes(scenario: "synthetic", frame: name, ego: "1", timestamp: stamp, boxes: dets))
            truth.append(GroundTruthFrame(record: FrameBoxes(scenario: "synthetic", frame: name, ego: "1", timestamp: stamp, boxes: gt)))
        }
        self.predictions = predictions
        self.groundTruth = truth
    }
}
