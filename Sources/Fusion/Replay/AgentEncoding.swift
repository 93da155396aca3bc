import Comm
import Perception
import V2XCore

/// One agent's frame as its own node computes it, kept by the in-process replay so that every
/// setting (and every delay) reuses the same encoder outputs.
public struct AgentEncoding: Sendable {
    public var agentID: String
    public var frameIndex: Int
    public var captureTime: Timestamp
    /// The heading-free frame everything below is expressed in.
    public var alignment: HeadingAlignment
    /// The true pose of the shared frame (noise is applied per setting).
    public var pose: Pose
    /// The sweep, in the shared frame.
    public var points: PointCloud
    /// The encoder's map on the detector's feature grid.
    public var features: FeatureMap
    /// Per-cell confidence from the agent's own head.
    public var confidence: [Float]
    /// The agent's own detections, in the shared frame.
    public var boxes: [Box3D]
    /// The codebook messages built from this frame, by variant, when coded features were asked for.
    public var coded: [CodedVariant: CodedMessage]
}

/// What shapes a codebook message beyond the features: its byte budget for cells, the
/// pose correction whose anchor boxes it also carries, if any, and the most returns it
/// carries with each of those boxes.
public struct CodedVariant: Sendable, Hashable {
    public var budgetBytes: Int
    public var anchorsFor: BoxAgreementAlignment?
    public var returnsPerBox: Int

    public init(budgetBytes: Int, anchorsFor: BoxAgreementAlignment?, returnsPerBox: Int = 0) {
        self.budgetBytes = budgetBytes; self.anchorsFor = anchorsFor; self.returnsPerBox = returnsPerBox
    }
}

/// A codebook message and what the receiver decodes from it.
public struct CodedMessage: Sendable {
    /// Size of the signed envelope on the wire.
    public var byteCount: Int
    /// Fraction of the grid's cells the message carries.
    public var fractionSent: Double
    public var features: FeatureMap
    public var sentMask: [Bool]
    public var confidence: [Float]?
    /// The sender's boxes the message carried (its anchors, when it carries any).
    public var boxes: [Box3D]
    /// The returns the message carried inside each box, as the receiver decodes them.
    public var boxReturns: [[SIMD3<Double>]]
}
