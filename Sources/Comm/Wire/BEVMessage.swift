import V2XCore

/// One agent's message for one frame: who, when, where, which cells, their codes.
///
/// This is the decoded, validated form of `V2x_Wire_BEVMessage` (proto/v2x.proto);
/// `serializedPayload()` and `init(payload:limits:)` convert to and from wire bytes.
/// Cells are listed in ascending row-major order (`row * grid.width + column`).
public struct BEVMessage: Sendable, Equatable {
    /// The wire format this code writes and accepts.
    public static let formatVersion: UInt32 = 1

    /// What carries the sender's LiDAR.
    public enum SenderKind: Sendable, Equatable { case vehicle, roadsideUnit }

    /// The sending agent; must equal the envelope's signer.
    public var agentID: String
    public var agentKind: SenderKind
    /// Per-sender frame counter, strictly increasing.
    public var sequence: UInt64
    /// When the sweep was captured.
    public var captureTime: Timestamp
    /// When the message left the sender.
    public var sendTime: Timestamp
    /// The sender's LiDAR pose in the world frame.
    public var pose: Pose
    /// Upper triangle of the 6×6 pose covariance over (x, y, z, roll, pitch, yaw),
    /// row-major, 21 values; empty when unknown.
    public var poseCovarianceUpper: [Float]
    /// The grid the cell indices refer to.
    public var grid: BEVGrid
    /// Feature channels per cell before quantization.
    public var channels: Int
    /// The codebook the codes index.
    public var codebook: CodebookReference
    /// Row-major indices of the cells sent, ascending.
    public var cellIndices: [Int]
    /// `cellIndices.count × codebook.codesPerCell` codes, cell-major.
    public var codes: [UInt32]
    /// Optional per-cell confidence `round(255·p)`, one per sent cell.
    public var confidenceU8: [UInt8]?
    /// Optional detections for late fusion, in the sender's LiDAR frame.
    public var boxes: [Box3D]
    /// Optional returns inside each box (`BoxReturns`): empty, or one entry per box, in order.
    public var boxReturns: [BoxReturns]

    public init(
        agentID: String, agentKind: SenderKind, sequence: UInt64,
        captureTime: Timestamp, sendTime: Timestamp,
        pose: Pose, poseCovarianceUpper: [Float] = [],
        grid: BEVGrid, channels: Int, codebook: CodebookReference,
        cellIndices: [Int], codes: [UInt32], confidenceU8: [UInt8]? = nil, boxes: [Box3D] = [], boxReturns: [BoxReturns] = []
    ) {
        self.agentID = agentID; self.agentKind = agentKind; self.sequence = sequence
        self.captureTime = captureTime; self.sendTime = sendTime
        self.pose = pose; self.poseCovarianceUpper = poseCovarianceUpper
        self.grid = grid; self.channels = channels; self.codebook = codebook
        self.cellIndices = cellIndices; self.codes = codes; self.confidenceU8 = confidenceU8
        self.boxes = boxes; self.boxReturns = boxReturns
    }
}
