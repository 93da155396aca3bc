import V2XCore

/// The sender's side of a frame: select cells → quantize → serialize → sign.
///
/// ```
/// FeatureMap (H×W×C) + confidence (H×W) ──CellSelector──▶ cells ──FeatureCodebook──▶ codes
///    ──BEVMessage.serializedPayload──▶ payload ──SigningIdentity.seal──▶ envelope bytes
/// ```
/// The message never exceeds `selector.budgetBytes`: the fixed part is measured by sealing
/// the frame with no cells, and per-cell costs are exact up to varint length growth,
/// which a fixed allowance covers. Boxes (anchors, late fusion) ride in the header, best
/// first; a budget too small for all of them keeps the best within a quarter of it.
public struct BEVMessageEncoder: Sendable {
    /// Bytes allowed for length prefixes that grow with the cell count (3 bytes each for
    /// the positions, codes, confidence, cells and payload fields) and the partial code byte.
    public static let varintAllowanceBytes = 20
    /// When the header with all of a frame's boxes does not fit the budget, the most
    /// confident boxes within `budget / boxBudgetShareDivisor` bytes stay and the rest are dropped.
    public static let boxBudgetShareDivisor = 4

    public let codebook: FeatureCodebook
    public let selector: CellSelector
    public let identity: SigningIdentity
    public let grid: BEVGrid
    public let agentKind: BEVMessage.SenderKind
    /// Whether per-cell confidence (one byte per cell) is sent.
    public let sendsConfidence: Bool

    /// - Throws: `V2XError.invalidArgument` when the grid exceeds the wire limits.
    public init(
        codebook: FeatureCodebook, selector: CellSelector, identity: SigningIdentity, grid: BEVGrid,
        agentKind: BEVMessage.SenderKind, sendsConfidence: Bool = true
    ) throws {
        guard grid.cellCount <= MessageLimits.standard.maxGridCells else {
            throw V2XError(.invalidArgument, "grid of \(grid.cellCount) cells exceeds the wire limit")
        }
        self.codebook = codebook; self.selector = selector; self.identity = identity; self.grid = grid
        self.agentKind = agentKind; self.sendsConfidence = sendsConfidence
    }

    /// The per-frame facts that go into the header.
    public struct Frame: Sendable {
        public var sequence: UInt64
        public var captureTime: Timestamp
        public var sendTime: Timestamp
        public var pose: Pose
        public var poseCovarianceUpper: [Float]
        public var boxes: [Box3D]
        /// The returns inside each box (empty, or one entry per box): they fill what the cells
        /// leave of the byte budget (see `encode`).
        public var boxReturns: [BoxReturns]

        public init(sequence: UInt64, captureTime: Timestamp, sendTime: Timestamp, pose: Pose, poseCovarianceUpper: [Float] = [],
                    boxes: [Box3D] = [], boxReturns: [BoxReturns] = []) {
            self.sequence = sequence; self.captureTime = captureTime; self.sendTime = sendTime
            self.pose = pose; self.poseCovarianceUpper = poseCovarianceUpper; self.boxes = boxes; self.boxReturns = boxReturns
        }
    }

    /// The signed message and what went into it.
    public struct Output: Sendable {
        /// Envelope bytes for the socket.
        public var bytes: [UInt8]
        public var message: BEVMessage
        public var selection: CellSelector.Selection
    }

    /// Encodes and signs one frame within the byte budget: the header and boxes first (the
    /// most confident within a share of the budget when they do not all fit), then the cells,
    /// then, when the frame has them, the boxes' returns in what the cells left: whole, for
    /// as many of the most confident boxes as fit.
    /// - Throws: `V2XError.shapeMismatch` when the maps do not match the grid and codebook;
    ///   `.invalidArgument` when the budget cannot hold even the header or the returns do not
    ///   match the boxes.
    public func encode(features: FeatureMap, confidence: [Float], frame: Frame) throws -> Output {
        guard features.height == grid.height, features.width == grid.width, features.channels == codebook.channels else {
            throw V2XError(.shapeMismatch, "features \(features.height)×\(features.width)×\(features.channels), grid \(grid.height)×\(grid.width), codebook \(codebook.channels) channels")
        }
        var message = BEVMessage(
            agentID: identity.agentID, agentKind: agentKind, sequence: frame.sequence,
            captureTime: frame.captureTime, sendTime: frame.sendTime, pose: frame.pose,
            poseCovarianceUpper: frame.poseCovarianceUpper, grid: grid, channels: codebook.channels,
            codebook: codebook.reference, cellIndices: [], codes: [], confidenceU8: sendsConfidence ? [] : nil,
            boxes: frame.boxes)
        guard frame.boxReturns.isEmpty || frame.boxReturns.count == frame.boxes.count else {
            throw V2XError(.invalidArgument, "returns for \(frame.boxReturns.count) boxes of \(frame.boxes.count)")
        }
        var overhead = try identity.seal(message).count + Self.varintAllowanceBytes
        if !message.boxes.isEmpty, overhead - Self.varintAllowanceBytes > selector.budgetBytes {
            // Boxes are extras: keep the first (most confident) ones within a share of the budget.
            var bare = message
            bare.boxes = []
            let bareBytes = try identity.seal(bare).count
            let perBox = Double(overhead - Self.varintAllowanceBytes - bareBytes) / Double(message.boxes.count)
            let room = Double(selector.budgetBytes) / Double(Self.boxBudgetShareDivisor)
            message.boxes = Array(message.boxes.prefix(max(0, Int(room / max(perBox, 1)))))
            overhead = try identity.seal(message).count + Self.varintAllowanceBytes
        }
        let bytesPerCell = Double(codebook.codeBits * codebook.codesPerCell) / 8 + (sendsConfidence ? 1 : 0)
        let selection = try selector.select(
            confidence: confidence, height: grid.height, width: grid.width,
            bytesPerCell: bytesPerCell, fixedOverheadBytes: overhead)
        let c = codebook.channels
        var vectors = [Float](repeating: 0, count: selection.indices.count * c)
        for (i, cell) in selection.indices.enumerated() {
            vectors.replaceSubrange((i * c)..<((i + 1) * c), with: features.values[(cell * c)..<((cell + 1) * c)])
        }
        message.cellIndices = selection.indices
        message.codes = try codebook.encode(vectors: vectors, count: selection.indices.count)
        if sendsConfidence {
            message.confidenceU8 = selection.indices.map { UInt8((min(max(confidence[$0].isNaN ? 0 : confidence[$0], 0), 1) * 255).rounded()) }
        }
        var bytes = try identity.seal(message)
        guard bytes.count <= selector.budgetBytes else {
            throw V2XError(.invalidArgument, "budget of \(selector.budgetBytes) bytes cannot hold the \(overhead)-byte header; message is \(bytes.count) bytes")
        }
        if !frame.boxReturns.isEmpty, !message.boxes.isEmpty {
            // The returns fill what the cells left of the budget, most confident box first.
            let returns = Array(frame.boxReturns.prefix(message.boxes.count))
            var room = selector.budgetBytes - bytes.count - Self.returnsSlackBytes
            while room > 0 {
                var withReturns = message
                withReturns.boxReturns = Self.returnsWithin(returns, roomBytes: room)
                let sealed = try identity.seal(withReturns)
                if sealed.count <= selector.budgetBytes { (message, bytes) = (withReturns, sealed); break }
                // Length prefixes grew more than the slack allowed: try again with less room.
                room -= sealed.count - selector.budgetBytes + Self.returnsSlackBytes
            }
        }
        return Output(bytes: bytes, message: message, selection: selection)
    }

    /// Bytes kept free for the length prefixes the returns lengthen (boxes, payload).
    static let returnsSlackBytes = 8

    /// `returns` (one entry per box, most confident box first) within `roomBytes` (3 bytes a
    /// return plus up to 3 bytes of field header a box): whole, for as many of the first boxes
    /// as fit; none for the rest.
    static func returnsWithin(_ returns: [BoxReturns], roomBytes: Int) -> [BoxReturns] {
        var left = roomBytes
        var fits = true
        return returns.map { box in
            let bytes = box.codes.count + 3
            fits = fits && bytes <= left
            guard fits else { return BoxReturns.none }
            left -= bytes
            return box
        }
    }
}
