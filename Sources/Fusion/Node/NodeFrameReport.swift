import V2XCore

/// What a node did for one of its frames: stage durations, the message it sent and, on
/// the ego, the detections and which collaborators went into them.
public struct NodeFrameReport: Sendable {
    /// One stage's wall duration.
    public struct Stage: Sendable, Equatable {
        public var name: String
        public var nanoseconds: Int64
    }

    /// The message broadcast for the frame.
    public struct Message: Sendable, Equatable {
        /// Envelope size on the wire (one broadcast; each peer link carries a copy).
        public var bytes: Int
        public var cellsSent: Int
        public var cellsTotal: Int
        /// Send time, scenario clock.
        public var sendTime: Timestamp
    }

    public var frameIndex: Int
    public var frameID: String
    public var captureTime: Timestamp
    /// Frames passed over just before this one because the node was behind the sensor.
    public var skippedBefore: Int
    /// In pipeline order. Every node: `load` (reading its sweep and pose from the scenario:
    /// the sensor driver's share, before the frame's clock starts, so not in `total`),
    /// `encode`, `head` (confidence and own boxes), `refine-own` (its boxes refitted to its returns, when refining), `message`
    /// (cell selection, codebook, serialization, signature), `publish`; the ego also
    /// `receive-wait` (deadline wait, verification included), `decode`, `fuse` (warp and
    /// fuse, intermediate only), `detect` (late and early: refitting included), `refine`
    /// (intermediate only: refitting to the ego's returns and adopting collaborators' boxes);
    /// then `total`. `verify` is reported per message
    /// in `verifyNanoseconds`.
    public var stages: [Stage]
    /// Gate time of each message received while this frame was being processed.
    public var verifyNanoseconds: [Int64]
    public var message: Message
    /// The ego's detections in its LiDAR frame (DESIGN.md); nil on a collaborator.
    public var detections: [Box3D]?
    /// The collaborators fused into `detections`, with the age of their message (s).
    public var collaborators: [(agentID: String, ageSeconds: Double)]
}
