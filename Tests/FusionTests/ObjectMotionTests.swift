import Foundation
import Fusion
import Testing
import V2XCore

@Suite struct ObjectMotionTests {
    func car(_ x: Double, _ y: Double, l: Double = 4, w: Double = 2) -> Box3D {
        Box3D(x: x, y: y, z: 0, l: l, w: w, h: 1.5, yaw: 0, score: 0.9)
    }

    @Test func aMoverIsReadFromWhereItWasAndItsOldPlaceIsEmpty() {
        let motion = ObjectMotion(movers: [.init(box: car(10, 0), shift: SIMD2(3, 0))], marginMeters: 0.8)
        // Now at 13 m: read where the car was seen.
        #expect(motion.sourcePosition(for: SIMD2(13, 0)) == SIMD2(10, 0))
        #expect(motion.sourcePosition(for: SIMD2(11.5, 0.5)) == SIMD2(8.5, 0.5))
        // 10 m: the car's old centre, 3 m behind it now (beyond its half length + margin, 2.8 m).
        #expect(motion.sourcePosition(for: SIMD2(10, 0)) == nil)
        // Elsewhere: unchanged.
        #expect(motion.sourcePosition(for: SIMD2(0, 0)) == SIMD2(0, 0))
        #expect(motion.sourcePosition(for: SIMD2(10, 4)) == SIMD2(10, 4))
    }

    @Test func velocitiesComeFromEarlierFramesAndTurnIntoTheSendersFrame() throws {
        // The sender faces +y (yaw 90°) at the origin; one car drove 1 m along world x in 0.1 s,
        // one stood still.
        let pose = Pose(x: 0, y: 0, z: 0, yaw: .pi / 2)
        let now = Timestamp(seconds: 10)
        let toSensor = pose.inverse
        func sensorBox(_ x: Double, _ y: Double) -> Box3D {
            let p = toSensor.apply(SIMD3(x, y, 0))
            return car(p.x, p.y)
        }
        let previous = BoxSnapshot(captureTime: Timestamp(seconds: 9.9), pose: pose, boxes: [sensorBox(19, 5), sensorBox(-10, 8)])
        let sender = AgentObservation(agentID: "s", captureTime: now, pose: pose, boxes: [sensorBox(20, 5), sensorBox(-10, 8)], history: [previous])
        let motion = try #require(ObjectMotion.estimate(sender, ageSeconds: 0.3))
        #expect(motion.movers.count == 1)
        // 10 m/s × 0.3 s = 3 m along world x = 3 m along the sender's −y.
        let shift = try #require(motion.movers.first?.shift)
        #expect(abs(shift.x) < 1e-9 && abs(shift.y + 3) < 1e-9)
        #expect(ObjectMotion.estimate(sender, ageSeconds: 0) == nil)
        var alone = sender
        alone.history = []
        #expect(ObjectMotion.estimate(alone, ageSeconds: 0.3) == nil)
    }

    @Test func theWarpMovesAMoversFeatures() throws {
        let grid = try BEVGrid(minX: -4, maxX: 4, minY: -4, maxY: 4, cellSizeMeters: 1)
        var map = FeatureMap(height: 8, width: 8, channels: 1)
        map[4, 2, 0] = 1   // a car in the cell centred at (−1.5, 0.5)
        let motion = ObjectMotion(movers: [.init(box: car(-1.5, 0.5, l: 0.5, w: 0.5), shift: SIMD2(3, 0))], marginMeters: 0)
        let warp = FeatureWarp(sourceGrid: grid, targetGrid: grid)
        let still = try warp.warp(map, sourcePose: .identity, targetPose: .identity)
        let moved = try warp.warp(map, sourcePose: .identity, targetPose: .identity, motion: motion)
        #expect(still.map[4, 2, 0] == 1 && still.map[4, 5, 0] == 0)
        #expect(moved.map[4, 5, 0] == 1 && moved.map[4, 2, 0] == 0)
        #expect(moved.coverage[4 * 8 + 2] == 0 && moved.coverage[4 * 8 + 5] == 1)
    }
}
