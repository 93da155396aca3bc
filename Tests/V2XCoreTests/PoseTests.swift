import Testing
import V2XCore

@Suite struct PoseTests {
    @Test func eulerAnglesRoundTrip() {
        let pose = Pose(x: 1, y: -2, z: 3, roll: 0.1, pitch: -0.2, yaw: 2.5)
        #expect(abs(pose.roll - 0.1) < 1e-12)
        #expect(abs(pose.pitch + 0.2) < 1e-12)
        #expect(abs(pose.yaw - 2.5) < 1e-12)
    }

    @Test func yawRotatesXTowardsY() {
        let p = Pose(x: 0, y: 0, z: 0, yaw: .pi / 2).apply(SIMD3(1, 0, 0))
        #expect(abs(p.x) < 1e-12 && abs(p.y - 1) < 1e-12)
    }

    @Test func inverseUndoesTheTransform() {
        let pose = Pose(x: 120, y: -45, z: 1.8, roll: 0.02, pitch: 0.01, yaw: -1.2)
        let p = SIMD3<Double>(3, 4, 5)
        let back = pose.inverse.apply(pose.apply(p))
        #expect(abs(back.x - p.x) < 1e-9 && abs(back.y - p.y) < 1e-9 && abs(back.z - p.z) < 1e-9)
    }

    @Test func relativePoseMapsBetweenSensorFrames() {
        let a = Pose(x: 10, y: 0, z: 0, yaw: 0)
        let b = Pose(x: 0, y: 0, z: 0, yaw: .pi)
        // A point 1 m ahead of a (world x = 11) is 11 m behind b, which faces -x.
        let q = Pose.relative(from: a, to: b).apply(SIMD3(1, 0, 0))
        #expect(abs(q.x + 11) < 1e-9 && abs(q.y) < 1e-9)
    }
}
