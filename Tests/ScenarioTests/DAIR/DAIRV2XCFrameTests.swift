import Foundation
import Scenario
import Testing
import V2XCore

/// Whole DAIR-V2X-C frames from the fixture (see `DAIRCalibrationTests` for the hand
/// computation of the poses).
@Suite struct DAIRV2XCFrameTests {
    static func scenario() throws -> DAIRV2XCScenario { try DAIRV2XCScenario(root: DatasetFixtures.url("dair")) }

    @Test func firstFrameHasBothAgentsInTheWorldFrame() throws {
        let frame = try Self.scenario().frame(at: 0)
        #expect(frame.frameID == "000010")
        #expect(frame.agents.map(\.agentID) == ["vehicle", "infrastructure"])
        #expect(frame.agents.map(\.kind) == [.vehicle, .roadsideUnit])
        let vehicle = frame.agents[0], infrastructure = frame.agents[1]
        #expect(DatasetFixtures.distance(vehicle.lidarPose, Pose(x: 1000, y: 1999.5, z: 11.5, yaw: 0)) < 1e-12)
        #expect(DatasetFixtures.distance(infrastructure.lidarPose, Pose(x: 1020, y: 1999.5, z: 16.5, yaw: .pi)) < 1e-12)
        // system_error_offset "" — nothing to correct.
        #expect(infrastructure.reportedLidarPose == infrastructure.lidarPose)
        // pointcloud_timestamp in µs.
        #expect(vehicle.timestamp == Timestamp(nanoseconds: 1_626_155_123_881_356_000))
        #expect(infrastructure.timestamp == Timestamp(nanoseconds: 1_626_155_123_851_000_000))
        #expect(vehicle.points.count == 2 && infrastructure.points.count == 2)
        #expect(vehicle.objects.map(\.box.label) == [.car, .pedestrian])
        #expect(infrastructure.objects.isEmpty)
    }

    /// Frame 000012 has system_error_offset (1.5, −0.5): the infrastructure point (10, 0, −5)
    /// lands at world (1011.5, 1999, 11.5), which the vehicle (now at x = 1002) sees at
    /// (9.5, −0.5, 0).
    @Test func systemErrorOffsetCorrectsTheInfrastructurePose() throws {
        let frame = try Self.scenario().frame(at: 1)
        let vehicle = frame.agents[0], infrastructure = frame.agents[1]
        #expect(DatasetFixtures.distance(infrastructure.lidarPose.translation, SIMD3(1021.5, 1999, 16.5)) < 1e-12)
        #expect(DatasetFixtures.distance(infrastructure.reportedLidarPose.translation, SIMD3(1020, 1999.5, 16.5)) < 1e-12)
        let p = SIMD3(Double(infrastructure.points.x[0]), Double(infrastructure.points.y[0]), Double(infrastructure.points.z[0]))
        let inVehicle = Pose.relative(from: infrastructure.lidarPose, to: vehicle.lidarPose).apply(p)
        #expect(DatasetFixtures.distance(inVehicle, SIMD3(9.5, -0.5, 0)) < 1e-9)
        #expect(infrastructure.timestamp == Timestamp(nanoseconds: 1_626_155_123_951_000_000))
    }

    /// The car is hit by one vehicle return and one infrastructure return; the pedestrian
    /// by none, so it is not scored.
    @Test func cooperativeGroundTruthOnTheFixture() throws {
        let scenario = try Self.scenario()
        let first = try CooperativeGroundTruth().entries(for: scenario.frame(at: 0), egoID: "vehicle")
        #expect(first.map(\.objectID) == [0])
        #expect(first[0].egoPoints == 1 && first[0].totalPoints == 2)
        #expect(DatasetFixtures.distance(first[0].box, Box3D(x: 10, y: 0, z: -0.5, l: 4.5, w: 2, h: 1.6, yaw: 0)) < 1e-9)
        let second = try CooperativeGroundTruth().entries(for: scenario.frame(at: 1), egoID: "vehicle")
        #expect(second.map(\.objectID) == [0] && second[0].totalPoints == 2)
    }
}
