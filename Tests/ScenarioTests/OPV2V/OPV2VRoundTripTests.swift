import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// `OPV2VWriter` → `OPV2VScenario` gives back the frames that were written.
@Suite struct OPV2VRoundTripTests {
    static func randomCloud(_ count: Int, _ g: inout SeededGenerator) throws -> PointCloud {
        var cloud = PointCloud()
        for _ in 0..<count {
            cloud.append(
                x: Float.random(in: -80...80, using: &g), y: Float.random(in: -80...80, using: &g),
                z: Float.random(in: -3...3, using: &g), intensity: Float.random(in: 0...1, using: &g)
            )
        }
        return cloud
    }

    static func frames() throws -> [ScenarioFrame] {
        var g = SeededGenerator(seed: 42)
        func object(_ id: Int, _ label: ObjectClass) -> SceneObject {
            SceneObject(
                id: id,
                box: Box3D(
                    x: Double.random(in: -200...200, using: &g), y: Double.random(in: -200...200, using: &g),
                    z: Double.random(in: 0...2, using: &g), l: Double.random(in: 0.5...12, using: &g),
                    w: Double.random(in: 0.5...3, using: &g), h: Double.random(in: 1...4, using: &g),
                    yaw: Double.random(in: -3.1...3.1, using: &g), label: label
                ),
                speedMetersPerSecond: Double.random(in: 0...30, using: &g)
            )
        }
        func pose() -> Pose {
            Pose(
                x: Double.random(in: -300...300, using: &g), y: Double.random(in: -300...300, using: &g),
                z: Double.random(in: 1...6, using: &g), roll: Double.random(in: -0.05...0.05, using: &g),
                pitch: Double.random(in: -0.05...0.05, using: &g), yaw: Double.random(in: -3.1...3.1, using: &g)
            )
        }
        let car = AgentFrame(
            agentID: "12", kind: .vehicle, timestamp: Timestamp(nanoseconds: 1_000_000_017),
            lidarPose: pose(), reportedLidarPose: pose(), points: try randomCloud(300, &g),
            objects: [object(40, .car), object(41, .truck), object(7, .pedestrian)]
        )
        let other = AgentFrame(
            agentID: "3", kind: .vehicle, timestamp: Timestamp(nanoseconds: 999_999_000),
            lidarPose: pose(), points: try randomCloud(200, &g), objects: [object(12, .car), object(9, .cyclist)]
        )
        let rsu = AgentFrame(
            agentID: "-1", kind: .roadsideUnit, timestamp: Timestamp(nanoseconds: 1_000_000_000),
            lidarPose: pose(), points: try randomCloud(100, &g), objects: [object(12, .bus), object(13, .van)]
        )
        var later = car
        later.timestamp = Timestamp(nanoseconds: 1_100_000_017)
        later.points = try randomCloud(50, &g)
        later.objects = []
        var rsuLater = rsu
        rsuLater.timestamp = Timestamp(nanoseconds: 1_100_000_000)
        return [
            ScenarioFrame(index: 0, frameID: "000020", agents: [car, other, rsu]),
            ScenarioFrame(index: 1, frameID: "000022", agents: [later, rsuLater]),
        ]
    }

    static func expectClose(_ read: AgentFrame, _ written: AgentFrame, pointTolerance: Float) {
        #expect(read.agentID == written.agentID && read.kind == written.kind && read.timestamp == written.timestamp)
        #expect(DatasetFixtures.distance(read.lidarPose, written.lidarPose) < 1e-9)
        #expect(DatasetFixtures.distance(read.reportedLidarPose, written.reportedLidarPose) < 1e-9)
        #expect(read.points.count == written.points.count)
        var worst: Float = 0
        for i in 0..<min(read.points.count, written.points.count) {
            worst = max(worst, abs(read.points.x[i] - written.points.x[i]), abs(read.points.y[i] - written.points.y[i]))
            worst = max(worst, abs(read.points.z[i] - written.points.z[i]), abs(read.points.intensity[i] - written.points.intensity[i]))
        }
        #expect(worst <= pointTolerance)
        let expected = written.objects.sorted { $0.id < $1.id }
        #expect(read.objects.map(\.id) == expected.map(\.id))
        for (a, b) in zip(read.objects, expected) {
            #expect(DatasetFixtures.distance(a.box, b.box) < 1e-9)
            #expect(abs(a.speedMetersPerSecond - b.speedMetersPerSecond) < 1e-9)
        }
    }

    @Test(arguments: PCDEncoding.allCases)
    func writtenFramesReadBackEqual(encoding: PCDEncoding) throws {
        let dir = try TemporaryDirectory()
        let scenarioURL = dir.file("test/scenario_a")
        let writer = try OPV2VWriter(scenarioDirectory: scenarioURL, encoding: encoding)
        let frames = try Self.frames()
        for frame in frames { try writer.write(frame) }

        let scenario = try OPV2VScenario(directory: scenarioURL)
        #expect(scenario.name == "scenario_a")
        #expect(scenario.agentIDs == ["12", "3", "-1"])
        #expect(scenario.frameIDs == ["000020", "000022"])
        // ascii stores decimal text; binary encodings store the Float32 bits.
        let tolerance: Float = encoding == .ascii ? 1e-4 : 0
        for (index, written) in frames.enumerated() {
            let read = try scenario.frame(at: index)
            #expect(read.frameID == written.frameID)
            // Agents come back in OpenCOOD order, not in the order they were written.
            let expected = OPV2VScenario.openCOODOrder(written.agents.map(\.agentID))
            #expect(read.agents.map(\.agentID) == expected)
            for agent in read.agents {
                let original = try #require(written.agents.first { $0.agentID == agent.agentID })
                Self.expectClose(agent, original, pointTolerance: tolerance)
            }
        }
    }

    /// The points on disk are in CARLA's frame: y is mirrored.
    @Test func pointCloudsOnDiskAreInCARLAsFrame() throws {
        let dir = try TemporaryDirectory()
        let cloud = try PointCloud(x: [1], y: [2], z: [3], intensity: [0.5])
        let agent = AgentFrame(agentID: "1", kind: .vehicle, timestamp: Timestamp(nanoseconds: 0), lidarPose: .identity, points: cloud, objects: [])
        try OPV2VWriter(scenarioDirectory: dir.url, encoding: .binary).write(ScenarioFrame(index: 0, frameID: "000000", agents: [agent]))
        let onDisk = try PCDFile.read(from: dir.file("1/000000.pcd"))
        #expect(onDisk.x == [1] && onDisk.y == [-2] && onDisk.z == [3])
    }
}
