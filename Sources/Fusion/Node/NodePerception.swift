import Foundation
import Perception
import V2XCore

/// A node's own perception of one sweep: the feature map it shares, the per-cell confidence
/// that picks which cells to send, and its own boxes (for late fusion and the message).
public struct NodePerception: Sendable {
    /// The feature half (fp32 `BEVDetector` or the int8 encoder).
    public let encoder: any FeatureEncoder
    /// The detection half (head and box decoding).
    public let detector: BEVDetector

    public init(encoder: any FeatureEncoder, detector: BEVDetector) {
        self.encoder = encoder; self.detector = detector
    }

    /// What one sweep gives, with the time each half took.
    public struct Output: Sendable {
        public var features: BEVFeatures
        /// Row-major, one value per feature cell, in [0, 1].
        public var confidence: [Float]
        public var boxes: [Box3D]
        public var encodeNanoseconds: Int64
        public var headNanoseconds: Int64
    }

    /// Encodes a sweep and runs the head once for both the confidence map and the boxes.
    public func perceive(_ points: PointCloud, sensorToWorld: Pose) throws -> Output {
        let t0 = WallClock.monotonicNanoseconds()
        let features = try encoder.encode(points, sensorToWorld: sensorToWorld)
        let t1 = WallClock.monotonicNanoseconds()
        let head = try detector.headOutput(features)
        let boxes = try detector.decoder.decode(head)
        let confidence = Self.confidence(head: head, classes: detector.config.classes.count)
        let t2 = WallClock.monotonicNanoseconds()
        return Output(features: features, confidence: confidence, boxes: boxes, encodeNanoseconds: t1 - t0, headNanoseconds: t2 - t1)
    }

    /// The largest class probability per cell (sigmoid of the heatmap logits), as
    /// `BEVDetector.confidenceMap` computes it, but from a head output already at hand so
    /// the head runs once per sweep.
    static func confidence(head: FeatureMap, classes: Int) -> [Float] {
        var out = [Float](repeating: 0, count: head.height * head.width)
        for cell in out.indices {
            var best = -Float.infinity
            for c in 0..<classes { best = max(best, head.values[cell * head.channels + c]) }
            out[cell] = 1 / (1 + exp(-best))
        }
        return out
    }
}
