import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct FeatureWarpTests {
    /// 8×8 cells of 1 m over [−4, 4)², two channels: (row·8 + column, 1).
    static let grid = try! BEVGrid(minX: -4, maxX: 4, minY: -4, maxY: 4, cellSizeMeters: 1)
    static func ramp() -> FeatureMap {
        var map = FeatureMap(height: 8, width: 8, channels: 2)
        for r in 0..<8 { for c in 0..<8 { map.values[(r * 8 + c) * 2] = Float(r * 8 + c); map.values[(r * 8 + c) * 2 + 1] = 1 } }
        return map
    }

    @Test func theSamePoseReproducesTheMap() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        let pose = Pose(x: 10, y: -3, z: 1, yaw: 0.7)
        let out = try warp.warp(Self.ramp(), sourcePose: pose, targetPose: pose)
        for (a, b) in zip(out.map.values, Self.ramp().values) { #expect(abs(a - b) < 1e-4) }
        #expect(out.coverage.allSatisfy { abs($0 - 1) < 1e-5 })
    }

    @Test func aTargetTwoCellsAheadSeesColumnsShiftedByTwo() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        let out = try warp.warp(Self.ramp(), sourcePose: .identity, targetPose: Pose(x: 2, y: 0, z: 0, yaw: 0))
        // Target cell (r, c) centre is at source x + 2 → source column c + 2.
        for r in 0..<8 {
            for c in 0..<6 { #expect(abs(out.map[r, c, 0] - Float(r * 8 + c + 2)) < 1e-4) }
            // Columns 6 and 7 sample beyond the last source centre: nothing covers them.
            #expect(out.coverage[r * 8 + 7] == 0)
            #expect(out.map[r, 7, 1] == 0)
        }
    }

    @Test func aQuarterTurnRotatesTheMap() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        // Target frame turned +90°: its +x axis is the source's +y axis.
        let out = try warp.warp(Self.ramp(), sourcePose: .identity, targetPose: Pose(x: 0, y: 0, z: 0, yaw: .pi / 2))
        // Target cell centre (x, y) = (1.5, 0.5) ↦ source (−0.5, 1.5): column 3, row 5.
        let target = Self.grid.cell(x: 1.5, y: 0.5)!
        #expect(abs(out.map[target.row, target.column, 0] - Float(5 * 8 + 3)) < 1e-4)
    }

    @Test func unsentCellsContributeNothing() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        var mask = [Bool](repeating: true, count: 64)
        mask[3 * 8 + 4] = false
        let out = try warp.warp(Self.ramp(), sourcePose: .identity, targetPose: .identity, sentMask: mask)
        #expect(out.coverage[3 * 8 + 4] == 0)
        #expect(out.map[3, 4, 0] == 0 && out.map[3, 4, 1] == 0)
        #expect(out.map[3, 5, 0] == Float(3 * 8 + 5))
    }

    @Test func theWarpIsMetricSoGridsMayDiffer() throws {
        let fine = try BEVGrid(minX: -2, maxX: 2, minY: -2, maxY: 2, cellSizeMeters: 0.5)
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: fine)
        let out = try warp.warp(Self.ramp(), sourcePose: .identity, targetPose: .identity)
        #expect(out.map.height == 8 && out.map.width == 8)
        // Fine cell centre (0.25, 0.25) sits a quarter cell past the coarse centre (−0.5 … 0.5) grid:
        // u = 0.25 + 4 − 0.5 = 3.75, v = 3.75 → bilinear of rows/columns 3 and 4.
        let expected: Float = 0.75 * 0.75 * 36 + 0.25 * 0.75 * 35 + 0.75 * 0.25 * 28 + 0.25 * 0.25 * 27
        #expect(abs(out.map[4, 4, 0] - expected) < 1e-4)
        #expect(out.coverage.allSatisfy { abs($0 - 1) < 1e-5 })
    }

    @Test func senderDistanceIsMeasuredFromTheSendersSensor() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        let out = try warp.warp(Self.ramp(), sourcePose: Pose(x: 3, y: 4, z: 0, yaw: 0), targetPose: .identity)
        let cell = Self.grid.cell(x: 0.5, y: 0.5)!
        // Target (0.5, 0.5) is at source (−2.5, −3.5).
        #expect(abs(out.senderDistance[cell.row * 8 + cell.column] - Float((2.5 * 2.5 + 3.5 * 3.5).squareRoot())) < 1e-4)
    }

    @Test func mismatchedInputsAreTypedErrors() throws {
        let warp = FeatureWarp(sourceGrid: Self.grid, targetGrid: Self.grid)
        #expect(throws: V2XError.self) { try warp.warp(FeatureMap(height: 4, width: 8, channels: 2), sourcePose: .identity, targetPose: .identity) }
        #expect(throws: V2XError.self) { try warp.warp(Self.ramp(), sourcePose: .identity, targetPose: .identity, sentMask: [true]) }
    }
}
