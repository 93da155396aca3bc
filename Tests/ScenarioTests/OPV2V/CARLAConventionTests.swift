import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// The CARLA ↔ REP 103 conversion, proved against OpenCOOD's own formula.
@Suite struct CARLAConventionTests {
    /// OpenCOOD's `x_to_world` (opencood/utils/transformation_utils.py), typed in
    /// independently as the reference: the sensor → world transform in CARLA coordinates.
    static func openCOODTransform(_ pose: [Double], _ p: SIMD3<Double>) -> SIMD3<Double> {
        let d = Double.pi / 180
        let (cy, sy) = (cos(pose[4] * d), sin(pose[4] * d))
        let (cr, sr) = (cos(pose[3] * d), sin(pose[3] * d))
        let (cp, sp) = (cos(pose[5] * d), sin(pose[5] * d))
        let row0 = SIMD3(cp * cy, cy * sp * sr - sy * cr, -cy * sp * cr - sy * sr)
        let row1 = SIMD3(sy * cp, sy * sp * sr + cy * cr, -sy * sp * cr + cy * sr)
        let row2 = SIMD3(sp, -cp * sr, cp * cr)
        return SIMD3((row0 * p).sum(), (row1 * p).sum(), (row2 * p).sum()) + SIMD3(pose[0], pose[1], pose[2])
    }

    static func mirror(_ p: SIMD3<Double>) -> SIMD3<Double> { SIMD3(p.x, -p.y, p.z) }

    static func randomCARLAPose(_ g: inout SeededGenerator) -> [Double] {
        [
            Double.random(in: -500...500, using: &g), Double.random(in: -500...500, using: &g),
            Double.random(in: -5...40, using: &g), Double.random(in: -30...30, using: &g),
            Double.random(in: -180...180, using: &g), Double.random(in: -60...60, using: &g),
        ]
    }

    @Test func pointsTransformedInEitherConventionAgreeAfterMirroring() throws {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<200 {
            let carla = Self.randomCARLAPose(&g)
            let pointCARLA = SIMD3(Double.random(in: -80...80, using: &g), Double.random(in: -80...80, using: &g), Double.random(in: -3...3, using: &g))
            let worldCARLA = Self.openCOODTransform(carla, pointCARLA)
            let worldOurs = try CARLAConvention.pose(fromCARLA: carla).apply(Self.mirror(pointCARLA))
            let error = worldOurs - Self.mirror(worldCARLA)
            #expect(max(abs(error.x), abs(error.y), abs(error.z)) < 1e-9)
        }
    }

    @Test func eulerAnglesKeepRollAndNegatePitchAndYaw() throws {
        let pose = try CARLAConvention.pose(fromCARLA: [10, 20, 3, 5, 30, -8])
        let d = Double.pi / 180
        let expected = Pose(x: 10, y: -20, z: 3, roll: 5 * d, pitch: 8 * d, yaw: -30 * d)
        #expect(DatasetFixtures.distance(pose, expected) < 1e-12)
        #expect(abs(pose.roll - 5 * d) < 1e-12 && abs(pose.pitch - 8 * d) < 1e-12 && abs(pose.yaw + 30 * d) < 1e-12)
    }

    /// CARLA's yaw is clockwise seen from above: +90° faces CARLA's +y, which is to the right,
    /// i.e. our −y; our yaw is then −π/2.
    @Test func positiveCARLAYawTurnsRight() throws {
        let pose = try CARLAConvention.pose(fromCARLA: [0, 0, 0, 0, 90, 0])
        let forward = pose.rotate(SIMD3(1, 0, 0))
        #expect(abs(forward.x) < 1e-12 && abs(forward.y + 1) < 1e-12)
        #expect(abs(pose.yaw + .pi / 2) < 1e-12)
        #expect(abs(CARLAConvention.yawRadians(fromCARLADegrees: 90) + .pi / 2) < 1e-12)
        #expect(abs(CARLAConvention.carlaYawDegrees(fromRadians: .pi / 2) + 90) < 1e-12)
    }

    @Test func poseRoundTripsThroughTheCARLAArray() throws {
        var g = SeededGenerator(seed: 11)
        for _ in 0..<200 {
            let pose = Pose(
                x: Double.random(in: -500...500, using: &g), y: Double.random(in: -500...500, using: &g),
                z: Double.random(in: -5...40, using: &g), roll: Double.random(in: -0.5...0.5, using: &g),
                pitch: Double.random(in: -1.2...1.2, using: &g), yaw: Double.random(in: -3.1...3.1, using: &g)
            )
            let back = try CARLAConvention.pose(fromCARLA: CARLAConvention.carlaPose(from: pose))
            #expect(DatasetFixtures.distance(pose, back) < 1e-9)
        }
    }

    @Test func carlaArrayRoundTripsThroughOurPose() throws {
        var g = SeededGenerator(seed: 13)
        for _ in 0..<200 {
            let carla = Self.randomCARLAPose(&g)
            let back = CARLAConvention.carlaPose(from: try CARLAConvention.pose(fromCARLA: carla))
            for (a, b) in zip(carla, back) { #expect(abs(a - b) < 1e-9) }
        }
    }

    @Test func wrongLengthAndNonFinitePosesAreTypedErrors() {
        #expect { try CARLAConvention.pose(fromCARLA: [1, 2, 3, 4, 5]) } throws: { ($0 as? V2XError)?.code == .shapeMismatch }
        #expect { try CARLAConvention.pose(fromCARLA: [1, .nan, 3, 0, 0, 0]) } throws: { ($0 as? V2XError)?.code == .nonFiniteValue }
    }

    @Test func mirroringACloudFlipsOnlyY() throws {
        let cloud = try PointCloud(x: [1, 2], y: [3, -4], z: [5, 6], intensity: [0.1, 0.2])
        let mirrored = try CARLAConvention.mirrored(cloud)
        #expect(mirrored.x == [1, 2] && mirrored.y == [-3, 4] && mirrored.z == [5, 6] && mirrored.intensity == [0.1, 0.2])
    }
}
