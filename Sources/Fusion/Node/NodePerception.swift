import Perception
import V2XCore

/// A node's own perception of one sweep: the feature map it shares, the per-cell confidence
/// that picks which cells to send, and its own boxes (for late fusion and the message).
///
/// As in the in-process replay (`CooperativeReplay`), everything is computed in the agent's
/// heading-free frame (`HeadingAlignment`) built from the pose the agent believes, so a
/// collaborator's map reaches the ego by a translation, not a rotation.
public struct NodePerception: Sendable {
    /// The feature half (fp32 `BEVDetector` or the int8 encoder).
    public let encoder: any FeatureEncoder
    /// The detection half (head and box decoding).
    public let detector: BEVDetector
    /// Refits the agent's own boxes to its returns (what it sends as late-fusion boxes or
    /// anchors); `nil` = the head's boxes.
    public let boxRefiner: BoxRefiner?

    public init(encoder: any FeatureEncoder, detector: BEVDetector, boxRefiner: BoxRefiner? = nil) {
        self.encoder = encoder; self.detector = detector; self.boxRefiner = boxRefiner
    }

    /// What one sweep gives, with the time each half took.
    public struct Output: Sendable {
        /// The shared (heading-free) frame of this sweep.
        public var alignment: HeadingAlignment
        /// On the detector's feature grid, in the shared frame.
        public var features: BEVFeatures
        /// Row-major, one value per feature cell, in [0, 1].
        public var confidence: [Float]
        /// The agent's own detections, in the shared frame (refitted when the perception has a refiner).
        public var boxes: [Box3D]
        /// The sweep, in the shared frame (what the ego refits its final boxes to).
        public var points: PointCloud
        public var encodeNanoseconds: Int64
        public var headNanoseconds: Int64
        public var refineNanoseconds: Int64
    }

    /// Encodes a sweep (in the LiDAR frame at `lidarPose`, sensor → world) and runs the head
    /// once for both the confidence map and the boxes.
    public func perceive(_ points: PointCloud, lidarPose: Pose) throws -> Output {
        let t0 = WallClock.monotonicNanoseconds()
        let alignment = HeadingAlignment(lidarPose: lidarPose)
        let shared = alignment.shared(points)
        let features = try encoder.encode(shared, sensorToWorld: alignment.sharedToWorld)
        let t1 = WallClock.monotonicNanoseconds()
        let head = try detector.headOutput(features)
        let decoded = try detector.decoder.decode(head)
        let confidence = detector.confidenceMap(headOutput: head).values
        let t2 = WallClock.monotonicNanoseconds()
        let boxes = boxRefiner.map { $0.refine(decoded, points: shared) } ?? decoded
        let t3 = WallClock.monotonicNanoseconds()
        return Output(alignment: alignment, features: features, confidence: confidence, boxes: boxes, points: shared,
                      encodeNanoseconds: t1 - t0, headNanoseconds: t2 - t1, refineNanoseconds: t3 - t2)
    }
}
