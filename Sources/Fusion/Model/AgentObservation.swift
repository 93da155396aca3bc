import Perception
import V2XCore

/// Everything the ego knows of one agent's frame when it fuses — its own, or what a
/// collaborator's message carried. Each fusion mode reads the part it needs: features
/// (intermediate), boxes (late), points (early).
public struct AgentObservation: Sendable {
    public var agentID: String
    /// When the sweep was captured (the sender's clock).
    public var captureTime: Timestamp
    /// The sensor → world pose the agent reported (noisy under GNSS-like noise).
    public var pose: Pose
    /// How far `pose` may be off.
    public var poseUncertainty: PoseUncertainty
    /// Intermediate fusion: the (decoded) map on `grid`; zeros where nothing was sent.
    public var features: FeatureMap?
    /// The grid `features` covers in the agent's frame; `nil` = the detector's feature grid.
    public var grid: BEVGrid?
    /// Row-major per-cell mask of the cells that carry features; `nil` = every cell.
    public var sentMask: [Bool]?
    /// Row-major per-cell confidence in [0, 1] the sender attached; `nil` = unknown.
    public var confidence: [Float]?
    /// Late fusion: the agent's detections in its own LiDAR frame.
    public var boxes: [Box3D]
    /// The agent's earlier frames' boxes, newest first: late fusion's time compensation
    /// (TCLF) reads the first, motion compensation follows boxes back through all of them.
    public var history: [BoxSnapshot]
    /// Early fusion: the raw sweep in the agent's LiDAR frame.
    public var points: PointCloud?
    /// Intermediate fusion: the returns the agent sent inside each of `boxes` (`BoxReturns`),
    /// in its LiDAR frame; empty, or one list per box.
    public var boxReturns: [[SIMD3<Double>]]

    public init(
        agentID: String, captureTime: Timestamp, pose: Pose, poseUncertainty: PoseUncertainty = .exact,
        features: FeatureMap? = nil, grid: BEVGrid? = nil, sentMask: [Bool]? = nil, confidence: [Float]? = nil,
        boxes: [Box3D] = [], history: [BoxSnapshot] = [], points: PointCloud? = nil, boxReturns: [[SIMD3<Double>]] = []
    ) {
        self.agentID = agentID; self.captureTime = captureTime; self.pose = pose
        self.poseUncertainty = poseUncertainty; self.features = features; self.grid = grid; self.sentMask = sentMask
        self.confidence = confidence; self.boxes = boxes; self.history = history; self.points = points
        self.boxReturns = boxReturns
    }
}

/// One agent's detections at one instant, placed in the world: what late fusion's time
/// compensation differences against the current frame.
public struct BoxSnapshot: Sendable, Equatable {
    public var captureTime: Timestamp
    /// Sensor → world at `captureTime`.
    public var pose: Pose
    /// Detections in that sensor frame.
    public var boxes: [Box3D]

    public init(captureTime: Timestamp, pose: Pose, boxes: [Box3D]) {
        self.captureTime = captureTime; self.pose = pose; self.boxes = boxes
    }
}
