import Foundation
import SwiftProtobuf
import V2XCore

extension BEVMessage {
    /// Serializes the message to protobuf bytes (the payload an `Envelope` carries and the
    /// signature covers).
    /// - Throws: `V2XError.invalidArgument` when the fields contradict each other (codes
    ///   count, confidence count, unsorted cells, a code wider than `codebook.codeBits`).
    public func serializedPayload() throws -> [UInt8] {
        guard codes.count == cellIndices.count * codebook.codesPerCell else {
            throw V2XError(.invalidArgument, "\(codes.count) codes for \(cellIndices.count) cells × \(codebook.codesPerCell)")
        }
        if let confidenceU8, confidenceU8.count != cellIndices.count {
            throw V2XError(.invalidArgument, "\(confidenceU8.count) confidences for \(cellIndices.count) cells")
        }
        guard poseCovarianceUpper.isEmpty || poseCovarianceUpper.count == 21 else {
            throw V2XError(.invalidArgument, "pose covariance needs 21 upper-triangle values, got \(poseCovarianceUpper.count)")
        }
        guard boxReturns.isEmpty || boxReturns.count == boxes.count else {
            throw V2XError(.invalidArgument, "returns for \(boxReturns.count) boxes of \(boxes.count)")
        }
        let positions = try CellPositions.encode(sortedIndices: cellIndices, cellCount: grid.cellCount)
        var m = V2x_Wire_BEVMessage()
        m.agentID = agentID
        m.agentKind = agentKind == .vehicle ? .vehicle : .roadsideUnit
        m.sequence = sequence
        m.captureTimeNs = captureTime.nanoseconds
        m.sendTimeNs = sendTime.nanoseconds
        var p = V2x_Wire_PoseWithCovariance()
        p.xM = pose.translation.x; p.yM = pose.translation.y; p.zM = pose.translation.z
        p.rollRad = pose.roll; p.pitchRad = pose.pitch; p.yawRad = pose.yaw
        p.covarianceUpper = poseCovarianceUpper
        m.pose = p
        var g = V2x_Wire_GridSpec()
        g.minXM = grid.minX; g.maxXM = grid.maxX; g.minYM = grid.minY; g.maxYM = grid.maxY
        g.cellSizeM = grid.cellSizeMeters
        g.channels = UInt32(channels)
        m.grid = g
        var c = V2x_Wire_CodebookRef()
        c.modelID = codebook.modelID; c.codebookID = codebook.codebookID
        c.codebookHash = Data(codebook.hash)
        c.codeBits = UInt32(codebook.codeBits); c.codesPerCell = UInt32(codebook.codesPerCell)
        m.codebook = c
        var cells = V2x_Wire_Cells()
        cells.positionCoding = positions.coding == .bitmask ? .bitmask : .runs
        cells.count = UInt32(cellIndices.count)
        cells.positions = Data(positions.bytes)
        cells.codes = Data(try BitPacker.pack(codes, bitsPerCode: codebook.codeBits))
        if let confidenceU8 { cells.confidenceU8 = Data(confidenceU8) }
        m.cells = cells
        m.boxes = boxes.enumerated().map { i, b in
            var w = V2x_Wire_Box()
            if !boxReturns.isEmpty { w.returns = Data(boxReturns[i].codes) }
            w.xM = Float(b.x); w.yM = Float(b.y); w.zM = Float(b.z)
            w.lengthM = Float(b.l); w.widthM = Float(b.w); w.heightM = Float(b.h)
            w.yawRad = Float(b.yaw); w.score = Float(b.score ?? 0); w.label = b.label.rawValue
            return w
        }
        return try [UInt8](m.serializedBytes() as Data)
    }

    /// Parses and validates payload bytes from an untrusted peer.
    /// - Throws: `V2XError.malformedData` for bytes that are not a valid message or exceed `limits`.
    public init(payload: [UInt8], limits: MessageLimits = .standard) throws {
        guard payload.count <= limits.maxMessageBytes else {
            throw V2XError(.malformedData, "payload of \(payload.count) bytes exceeds \(limits.maxMessageBytes)")
        }
        let m: V2x_Wire_BEVMessage
        do {
            m = try V2x_Wire_BEVMessage(serializedBytes: payload)
        } catch {
            throw V2XError(.malformedData, "payload is not a BEVMessage: \(error)")
        }
        guard !m.agentID.isEmpty, m.agentID.utf8.count <= 64 else {
            throw V2XError(.malformedData, "agent id empty or longer than 64 bytes")
        }
        let kind: SenderKind
        switch m.agentKind {
        case .vehicle: kind = .vehicle
        case .roadsideUnit: kind = .roadsideUnit
        default: throw V2XError(.malformedData, "unknown agent kind \(m.agentKind.rawValue)")
        }
        guard m.hasPose, m.hasGrid, m.hasCodebook, m.hasCells else {
            throw V2XError(.malformedData, "message lacks pose, grid, codebook or cells")
        }
        let p = m.pose
        let poseValues = [p.xM, p.yM, p.zM, p.rollRad, p.pitchRad, p.yawRad]
        guard poseValues.allSatisfy(\.isFinite) else { throw V2XError(.malformedData, "non-finite pose") }
        guard p.covarianceUpper.isEmpty || p.covarianceUpper.count == 21,
              p.covarianceUpper.allSatisfy(\.isFinite) else {
            throw V2XError(.malformedData, "pose covariance must be 21 finite values or empty")
        }
        let g = m.grid
        // BEVGrid converts cells per side to Int, which traps on huge doubles: bound them first.
        let columns = (g.maxXM - g.minXM) / g.cellSizeM
        let rows = (g.maxYM - g.minYM) / g.cellSizeM
        guard columns.isFinite, rows.isFinite, columns * rows <= Double(limits.maxGridCells) + 0.5 else {
            throw V2XError(.malformedData, "grid extent or cell size out of range")
        }
        let grid: BEVGrid
        do {
            grid = try BEVGrid(minX: g.minXM, maxX: g.maxXM, minY: g.minYM, maxY: g.maxYM, cellSizeMeters: g.cellSizeM)
        } catch {
            throw V2XError(.malformedData, "bad grid: \(error)")
        }
        guard grid.cellCount >= 1, grid.cellCount <= limits.maxGridCells else {
            throw V2XError(.malformedData, "grid of \(grid.width)×\(grid.height) cells exceeds \(limits.maxGridCells)")
        }
        guard g.channels >= 1, Int(g.channels) <= limits.maxChannels else {
            throw V2XError(.malformedData, "\(g.channels) channels outside 1…\(limits.maxChannels)")
        }
        let c = m.codebook
        guard (1...32).contains(c.codeBits), c.codesPerCell >= 1, Int(c.codesPerCell) <= limits.maxCodesPerCell,
              c.codebookHash.count == 32, c.modelID.utf8.count <= 128, c.codebookID.utf8.count <= 128 else {
            throw V2XError(.malformedData, "codebook reference out of range")
        }
        let cells = m.cells
        let coding: CellPositions.Coding
        switch cells.positionCoding {
        case .bitmask: coding = .bitmask
        case .runs: coding = .runs
        default: throw V2XError(.malformedData, "unknown cell position coding")
        }
        let count = Int(cells.count)
        let indices = try CellPositions(coding: coding, bytes: [UInt8](cells.positions)).decode(count: count, cellCount: grid.cellCount)
        let codes = try BitPacker.unpack([UInt8](cells.codes), count: count * Int(c.codesPerCell), bitsPerCode: Int(c.codeBits))
        var confidence: [UInt8]?
        if !cells.confidenceU8.isEmpty {
            guard cells.confidenceU8.count == count else {
                throw V2XError(.malformedData, "\(cells.confidenceU8.count) confidences for \(count) cells")
            }
            confidence = [UInt8](cells.confidenceU8)
        }
        guard m.boxes.count <= limits.maxBoxes else { throw V2XError(.malformedData, "\(m.boxes.count) boxes exceed \(limits.maxBoxes)") }
        var boxes: [Box3D] = []
        var returns: [BoxReturns] = []
        boxes.reserveCapacity(m.boxes.count)
        for b in m.boxes {
            returns.append(try BoxReturns(codes: [UInt8](b.returns)))
            let values = [b.xM, b.yM, b.zM, b.lengthM, b.widthM, b.heightM, b.yawRad, b.score]
            guard values.allSatisfy(\.isFinite), let label = ObjectClass(rawValue: b.label) else {
                throw V2XError(.malformedData, "box with non-finite values or unknown label '\(b.label.prefix(32))'")
            }
            boxes.append(Box3D(
                x: Double(b.xM), y: Double(b.yM), z: Double(b.zM), l: Double(b.lengthM), w: Double(b.widthM),
                h: Double(b.heightM), yaw: Double(b.yawRad), score: Double(b.score), label: label))
        }
        self.init(
            agentID: m.agentID, agentKind: kind, sequence: m.sequence,
            captureTime: Timestamp(nanoseconds: m.captureTimeNs), sendTime: Timestamp(nanoseconds: m.sendTimeNs),
            pose: Pose(x: p.xM, y: p.yM, z: p.zM, roll: p.rollRad, pitch: p.pitchRad, yaw: p.yawRad),
            poseCovarianceUpper: p.covarianceUpper,
            grid: grid, channels: Int(g.channels),
            codebook: CodebookReference(
                modelID: c.modelID, codebookID: c.codebookID, hash: [UInt8](c.codebookHash),
                codeBits: Int(c.codeBits), codesPerCell: Int(c.codesPerCell)),
            cellIndices: indices, codes: codes, confidenceU8: confidence, boxes: boxes,
            boxReturns: returns.allSatisfy { $0.count == 0 } ? [] : returns)
    }
}
