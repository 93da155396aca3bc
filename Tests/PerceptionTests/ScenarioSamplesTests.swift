import Perception
import Scenario
import Testing
import V2XCore

/// Two frames held in memory.
private struct MemoryScenario: ScenarioSource {
    var name = "memory"
    var agentIDs = ["1", "2", "rsu"]
    var frameIDs = ["000000"]
    let frames: [ScenarioFrame]
    func frame(at index: Int) throws -> ScenarioFrame { frames[index] }
}

@Suite struct ScenarioSamplesTests {
    @Test func everySelectedAgentBecomesASampleWithBoxesInItsOwnFrame() throws {
        // A car at world (20, 5); agent 1 at the origin sees it with 6 points, agent 2 at
        // world (20, 0) facing +y sees nothing, the RSU sees it with 2 points.
        let car = SceneObject(id: 7, box: Box3D(x: 20, y: 5, z: 0.8, l: 4, w: 2, h: 1.5, yaw: 0), speedMetersPerSecond: 0)
        func cloud(_ pts: [(Float, Float, Float)]) throws -> PointCloud {
            try PointCloud(x: pts.map(\.0), y: pts.map(\.1), z: pts.map(\.2), intensity: pts.map { _ in 0.5 })
        }
        let a1 = AgentFrame(agentID: "1", kind: .vehicle, timestamp: Timestamp(nanoseconds: 0), lidarPose: .identity,
                            points: try cloud(Array(repeating: (20, 5, 0.8), count: 6)), objects: [car])
        let pose2 = Pose(x: 20, y: 0, z: 0, yaw: .pi / 2)
        let a2 = AgentFrame(agentID: "2", kind: .vehicle, timestamp: Timestamp(nanoseconds: 0), lidarPose: pose2,
                            points: try cloud([(0, -3, 0)]), objects: [])
        let rsu = AgentFrame(agentID: "rsu", kind: .roadsideUnit, timestamp: Timestamp(nanoseconds: 0), lidarPose: .identity,
                             points: try cloud([(20, 5, 0.8), (20.5, 5, 0.8)]), objects: [car])
        let source = MemoryScenario(frames: [ScenarioFrame(index: 0, frameID: "000000", agents: [a1, a2, rsu])])

        let ego = try ScenarioSamples(sources: [source], agents: .ego)
        #expect(ego.samples.count == 1 && ego.samples[0].boxes.count == 1)
        let vehicles = try ScenarioSamples(sources: [source], agents: .vehicles, minimumPoints: 1)
        #expect(vehicles.samples.count == 2)
        #expect(vehicles.samples[1].boxes.isEmpty)   // agent 2 has no return on the car
        let all = try ScenarioSamples(sources: [source], agents: .all, minimumPoints: 3)
        #expect(all.samples.map(\.boxes.count) == [1, 0, 0])
        #expect(all.origins.map(\.agent) == ["1", "2", "rsu"])
        let box = try #require(all.samples[0].boxes.first)
        #expect(abs(box.x - 20) < 1e-9 && abs(box.y - 5) < 1e-9)
    }
}
