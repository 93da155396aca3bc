import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Whole frames read from the OPV2V fixture scenario (points through `PCDFile`).
@Suite struct OPV2VFrameReadingTests {
    static func scenario() throws -> OPV2VScenario {
        try OPV2VScenario(directory: DatasetFixtures.url("opv2v/scenario"))
    }

    @Test func agentsMissingAFrameAreAbsentFromIt() throws {
        let scenario = try Self.scenario()
        #expect(try scenario.frame(at: 0).agents.map(\.agentID) == ["650", "659", "-1"])
        let second = try scenario.frame(at: 1)
        #expect(second.index == 1 && second.frameID == "000070")
        #expect(second.agents.map(\.agentID) == ["650", "-1"])
    }

    @Test func aFrameOfSomeAgentsReadsOnlyTheirFiles() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("v2x-opv2v-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: copy) }
        try FileManager.default.copyItem(at: DatasetFixtures.url("opv2v/scenario"), to: copy)
        let full = try OPV2VScenario(directory: copy).frame(at: 0)
        let some = try OPV2VScenario(directory: copy).frame(at: 0, agents: ["-1", "659", "absent"])
        #expect(some.frameID == full.frameID && some.agents == full.agents.filter { $0.agentID != "650" })
        // Agent 650's sweep is no longer readable; a frame without it still is.
        try FileManager.default.removeItem(at: copy.appendingPathComponent("650/000068.pcd"))
        let scenario = try OPV2VScenario(directory: copy)
        #expect(throws: V2XError.self) { try scenario.frame(at: 0) }
        #expect(try scenario.frame(at: 0, agents: ["659"]).agents.map(\.agentID) == ["659"])
    }

    @Test func pointsArriveInOurFrame() throws {
        let ego = try #require(try Self.scenario().frame(at: 0).agents.first)
        // CARLA (12, 0, -1), (5, 2, -1.5), (-3, -4, 0.5) with y mirrored.
        #expect(ego.points.x == [12, 5, -3])
        #expect(ego.points.y == [0, -2, 4])
        #expect(ego.points.z == [-1, -1.5, 0.5])
        #expect(ego.points.intensity == [0.5, 0.25, 1])
    }

    @Test func kindsTimestampsAndReportedPoses() throws {
        let scenario = try Self.scenario()
        let first = try scenario.frame(at: 0), second = try scenario.frame(at: 1)
        #expect(first.agents.map(\.kind) == [.vehicle, .vehicle, .roadsideUnit])
        // No v2x_timestamp_ns: frame number × 50 ms.
        #expect(first.agents[0].timestamp == Timestamp(nanoseconds: 3_400_000_000))
        #expect(second.agents[1].timestamp == Timestamp(nanoseconds: 3_500_000_000))
        // v2x_timestamp_ns wins.
        #expect(second.agents[0].timestamp == Timestamp(nanoseconds: 3_500_000_123))
        // No v2x_reported_lidar_pose: the agent reports its true pose.
        #expect(first.agents[0].reportedLidarPose == first.agents[0].lidarPose)
        let reported = second.agents[0].reportedLidarPose
        #expect(DatasetFixtures.distance(reported, Pose(x: 100.5, y: -51, z: 1.9, yaw: -91 * .pi / 180)) < 1e-12)
        #expect(DatasetFixtures.distance(second.agents[0].lidarPose, Pose(x: 100, y: -51, z: 1.9, yaw: -.pi / 2)) < 1e-12)
    }

    /// Ego 650 sees vehicle 659 twelve metres ahead; 659 sees 650 behind it; nobody sees
    /// truck 702. In 650's LiDAR frame 659 is at (12, 0, 0.75 − 1.9). 650's own car is
    /// seen by 659 but is never 650's ground truth.
    @Test func cooperativeGroundTruthOnTheFixture() throws {
        let frame = try Self.scenario().frame(at: 0)
        let entries = try CooperativeGroundTruth().entries(for: frame, egoID: "650")
        #expect(entries.map(\.objectID) == [659])
        #expect(entries[0].egoPoints == 1 && entries[0].totalPoints == 1)
        #expect(DatasetFixtures.distance(entries[0].box, Box3D(x: 12, y: 0, z: -1.15, l: 4.5, w: 2, h: 1.5, yaw: 0)) < 1e-9)
        let fromCollaborator = try CooperativeGroundTruth().entries(for: frame, egoID: "659")
        #expect(fromCollaborator.map(\.objectID) == [650])
        #expect(fromCollaborator[0].egoPoints == 1)
    }

    @Test func missingPointCloudIsNamed() throws {
        let dir = try TemporaryDirectory()
        try FileManager.default.removeItem(at: dir.url)
        try FileManager.default.copyItem(at: DatasetFixtures.url("opv2v/scenario"), to: dir.url)
        try FileManager.default.removeItem(at: dir.file("659/000068.pcd"))
        let scenario = try OPV2VScenario(directory: dir.url)
        #expect {
            try scenario.frame(at: 0)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .notFound && error.path == dir.file("659/000068.pcd").path
        }
    }
}
