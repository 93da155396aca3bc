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

    @Test func theQuickRejectAgreesWithTestingEveryFootprint() {
        // Turned movers with overlapping old and new places; points on a 0.25 m lattice.
        let movers: [ObjectMotion.Mover] = [
            .init(box: Box3D(x: 10, y: 0, z: 0, l: 4.5, w: 1.9, h: 1.5, yaw: 0.6), shift: SIMD2(2.4, 1.7)),
            .init(box: Box3D(x: -6, y: 8, z: 0, l: 12, w: 2.6, h: 3, yaw: -2.2), shift: SIMD2(-1, 3)),
            .init(box: Box3D(x: 12, y: 1, z: 0, l: 4, w: 1.8, h: 1.5, yaw: 1.4), shift: SIMD2(0, -4)),
        ]
        let motion = ObjectMotion(movers: movers, marginMeters: 0.8)
        func inside(_ box: Box3D, _ p: SIMD2<Double>) -> Bool {
            let (dx, dy) = (p.x - box.x, p.y - box.y)
            let along = cos(box.yaw) * dx + sin(box.yaw) * dy, across = -sin(box.yaw) * dx + cos(box.yaw) * dy
            return abs(along) <= box.l / 2 + 0.8 && abs(across) <= box.w / 2 + 0.8
        }
        func reference(_ q: SIMD2<Double>) -> SIMD2<Double>? {
            for mover in movers where inside(mover.box, q - mover.shift) { return q - mover.shift }
            for mover in movers where inside(mover.box, q) { return nil }
            return q
        }
        var moved = 0, emptied = 0
        for i in -100...100 {
            for j in -100...100 {
                let q = SIMD2(Double(i) * 0.25, Double(j) * 0.25)
                let expected = reference(q)
                #expect(motion.sourcePosition(for: q) == expected)
                if expected == nil { emptied += 1 } else if expected != q { moved += 1 }
            }
        }
        #expect(moved > 500 && emptied > 100, "the lattice crosses the footprints (\(moved) moved, \(emptied) emptied)")
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

    @Test func aMoverMustOutrunTheNoiseOfItsFittedVelocity() throws {
        // A car at 10 m/s along x, 20 m from a sender whose pose σ is 0.4 m and 0.4°.
        let now = Timestamp(seconds: 10)
        func snapshots(_ n: Int) -> [BoxSnapshot] {
            (1...n).map { k in BoxSnapshot(captureTime: Timestamp(seconds: 10 - 0.1 * Double(k)), pose: .identity,
                                           boxes: [car(20 - Double(k), 0)]) }
        }
        var sender = AgentObservation(agentID: "s", captureTime: now, pose: .identity,
                                      poseUncertainty: PoseUncertainty(positionSigmaMeters: 0.4, yawSigmaRadians: 0.4 * .pi / 180),
                                      boxes: [car(20, 0)], history: snapshots(1))
        // Two sweeps 0.1 s apart: centres off by about 0.45 m make the velocity err by 6.4 m/s.
        #expect(ObjectMotion.estimate(sender, ageSeconds: 0.3) == nil)
        // Six sweeps over 0.5 s: 1.1 m/s, and the car is a mover.
        sender.history = snapshots(5)
        let motion = try #require(ObjectMotion.estimate(sender, ageSeconds: 0.3))
        #expect(abs(motion.movers[0].shift.x - 3) < 1e-6)
        // With an exact pose two sweeps are enough (0.2 m of detection error: 2.8 m/s).
        sender.history = snapshots(1)
        sender.poseUncertainty = .exact
        #expect(ObjectMotion.estimate(sender, ageSeconds: 0.3) != nil)
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
