import Foundation
import V2XCore

/// A collaborator's feature map resampled onto the ego's grid.
public struct WarpedFeatures: Sendable, Equatable {
    /// `(target.height, target.width, C)`: bilinear samples of the source map.
    public var map: FeatureMap
    /// Per target cell, the bilinear weight that fell on source cells inside the source
    /// grid and sent (0 … 1). A cell the sender did not cover has 0 and an all-zero vector.
    public var coverage: [Float]
    /// Per target cell, the planar distance from the sender's sensor, metres.
    public var senderDistance: [Float]

    public init(map: FeatureMap, coverage: [Float], senderDistance: [Float]) {
        self.map = map; self.coverage = coverage; self.senderDistance = senderDistance
    }
}

/// Resamples a BEV map from one agent's frame into another's with their relative pose.
///
/// For each target cell centre `p` (metres, target sensor frame) the source position is
/// `q = R(θ)·p + t`, where `(θ, t)` is the planar part (yaw and x/y translation) of
/// `source⁻¹ ∘ target`. `q` is read bilinearly between source cell centres. The mapping is
/// metric, so source and target grids may differ in extent and cell size. Taps outside the
/// source grid, or on cells the sender did not send, contribute nothing (they are not
/// renormalised away; `coverage` says how much of each sample was real).
public struct FeatureWarp: Sendable, Equatable {
    public let sourceGrid: BEVGrid
    public let targetGrid: BEVGrid

    public init(sourceGrid: BEVGrid, targetGrid: BEVGrid) {
        self.sourceGrid = sourceGrid; self.targetGrid = targetGrid
    }

    /// Warps `source`, captured at `sourcePose` (sensor → world), into the frame at `targetPose`.
    /// - Parameters:
    ///   - sentMask: row-major per source cell; `nil` = every cell was sent.
    ///   - motion: moving objects to move by their displacement since the sender's sweep
    ///     (`ObjectMotion.sourcePosition` decides where each source point is read, or that it is not).
    /// - Throws: `V2XError.shapeMismatch` when the map or mask does not cover `sourceGrid`.
    public func warp(_ source: FeatureMap, sourcePose: Pose, targetPose: Pose, sentMask: [Bool]? = nil, motion: ObjectMotion? = nil) throws -> WarpedFeatures {
        guard source.height == sourceGrid.height, source.width == sourceGrid.width else {
            throw V2XError(.shapeMismatch, "source map \(source.height)×\(source.width) does not match its grid \(sourceGrid.height)×\(sourceGrid.width)")
        }
        if let sentMask, sentMask.count != sourceGrid.cellCount {
            throw V2XError(.shapeMismatch, "sent mask of \(sentMask.count) cells for a grid of \(sourceGrid.cellCount)")
        }
        let channels = source.channels
        let relative = Pose.relative(from: targetPose, to: sourcePose)
        let theta = relative.yaw
        let (cosT, sinT) = (cos(theta), sin(theta))
        let (tx, ty) = (relative.translation.x, relative.translation.y)
        let sg = sourceGrid, tg = targetGrid
        var out = FeatureMap(height: tg.height, width: tg.width, channels: channels)
        var coverage = [Float](repeating: 0, count: tg.cellCount)
        var distance = [Float](repeating: 0, count: tg.cellCount)
        source.values.withUnsafeBufferPointer { src in
            out.values.withUnsafeMutableBufferPointer { dst in
                for row in 0..<tg.height {
                    for column in 0..<tg.width {
                        let p = tg.center(row: row, column: column)
                        var qx = cosT * p.x - sinT * p.y + tx
                        var qy = sinT * p.x + cosT * p.y + ty
                        let cell = row * tg.width + column
                        distance[cell] = Float((qx * qx + qy * qy).squareRoot())
                        if let motion {
                            guard let read = motion.sourcePosition(for: SIMD2(qx, qy)) else { continue }
                            (qx, qy) = (read.x, read.y)
                        }
                        let u = (qx - sg.minX) / sg.cellSizeMeters - 0.5
                        let v = (qy - sg.minY) / sg.cellSizeMeters - 0.5
                        guard u > -1, v > -1, u < Double(sg.width), v < Double(sg.height) else { continue }
                        let c0 = Int(u.rounded(.down)), r0 = Int(v.rounded(.down))
                        let fu = Float(u - Double(c0)), fv = Float(v - Double(r0))
                        let target = dst.baseAddress! + cell * channels
                        var covered: Float = 0
                        // The four bilinear taps, (Δrow, Δcolumn) = (0,0), (0,1), (1,0), (1,1).
                        for tap in 0..<4 {
                            let r = r0 + tap / 2, c = c0 + tap % 2
                            let weight = (tap % 2 == 1 ? fu : 1 - fu) * (tap / 2 == 1 ? fv : 1 - fv)
                            guard weight > 0, r >= 0, c >= 0, r < sg.height, c < sg.width else { continue }
                            let sourceCell = r * sg.width + c
                            if let sentMask, !sentMask[sourceCell] { continue }
                            covered += weight
                            let from = src.baseAddress! + sourceCell * channels
                            for k in 0..<channels { target[k] += weight * from[k] }
                        }
                        coverage[cell] = covered
                    }
                }
            }
        }
        return WarpedFeatures(map: out, coverage: coverage, senderDistance: distance)
    }

    /// Resamples a one-value-per-cell map (e.g. confidence) the same way as `warp`.
    public func warpScalar(_ values: [Float], sourcePose: Pose, targetPose: Pose, sentMask: [Bool]? = nil, motion: ObjectMotion? = nil) throws -> [Float] {
        let map = try FeatureMap(height: sourceGrid.height, width: sourceGrid.width, channels: 1, values: values)
        return try warp(map, sourcePose: sourcePose, targetPose: targetPose, sentMask: sentMask, motion: motion).map.values
    }
}
