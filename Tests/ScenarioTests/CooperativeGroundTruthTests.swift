import Scenario
import Testing
import V2XCore

@Suite struct CooperativeGroundTruthTests {
    /// Ego at the origin sees object 1; a collaborator 100 m away sees object 2 only.
    func frame() throws -> ScenarioFrame {
        let car1 = SceneObject(id: 1, box: Box3D(x: 10, y: 0, z: 0.8, l: 4, w: 2, h: 1.6, yaw: 0), speedMetersPerSecond: 0)
        let car2 = SceneObject(id: 2, box: Box3D(x: 110, y: 0, z: 0.8, l: 4, w: 2, h: 1.6, yaw: 0), speedMetersPerSecond: 0)
        let hidden = SceneObject(id: 3, box: Box3D(x: 50, y: 50, z: 0.8, l: 4, w: 2, h: 1.6, yaw: 0), speedMetersPerSecond: 0)
        let egoPoints = try PointCloud(x: [10, 10.5], y: [0, 0.2], z: [0.8, 0.9], intensity: [0.5, 0.5])
        let collaboratorPoints = try PointCloud(x: [10], y: [0], z: [0.8], intensity: [0.5])
        return ScenarioFrame(index: 0, frameID: "000000", agents: [
            AgentFrame(agentID: "1", kind: .vehicle, timestamp: Timestamp(nanoseconds: 0),
                       lidarPose: .identity, points: egoPoints, objects: [car1, car2, hidden]),
            AgentFrame(agentID: "2", kind: .vehicle, timestamp: Timestamp(nanoseconds: 0),
                       lidarPose: Pose(x: 100, y: 0, z: 0, yaw: 0), points: collaboratorPoints, objects: [car2]),
        ])
    }

    @Test func keepsObjectsSeenByAnyAgentInTheEgoFrame() throws {
        let entries = try CooperativeGroundTruth().entries(for: frame(), egoID: "1")
        #expect(entries.map(\.objectID) == [1, 2])
        #expect(entries[0].egoPoints == 2 && entries[0].totalPoints == 2)
        #expect(entries[1].egoPoints == 0 && entries[1].totalPoints == 1)
        #expect(abs(entries[1].box.x - 110) < 1e-9)
    }

    @Test func expressesBoxesInTheChosenEgosFrame() throws {
        let entries = try CooperativeGroundTruth().entries(for: frame(), egoID: "2")
        #expect(entries.map(\.objectID) == [1, 2])
        #expect(abs(entries[0].box.x + 90) < 1e-9)
    }

    @Test func theEgosOwnCarIsNeverItsGroundTruth() throws {
        var f = try frame()
        // The collaborator annotates the ego's car (around the ego LiDAR) and sees it.
        let egoCar = SceneObject(id: 1, box: Box3D(x: 0.3, y: 0, z: -1, l: 4.5, w: 1.9, h: 1.6, yaw: 0.1), speedMetersPerSecond: 5)
        f.agents[1].objects.append(egoCar)
        f.agents[1].objects.removeAll { $0.id == 2 }
        f.agents[0].objects.removeAll { $0.id == 1 }
        let p = try PointCloud(x: [-99.8], y: [0], z: [-1], intensity: [0.5])
        f.agents[1].points.append(contentsOf: p)
        let entries = try CooperativeGroundTruth().entries(for: f, egoID: "1")
        #expect(!entries.contains { abs($0.box.x) < 1 && abs($0.box.y) < 1 })
        // From the collaborator's point of view the same car is ground truth.
        let fromCollaborator = try CooperativeGroundTruth().entries(for: f, egoID: "2")
        #expect(fromCollaborator.contains { abs($0.box.x + 99.7) < 1e-6 })
    }

    @Test func unknownEgoIsAnError() {
        #expect(throws: V2XError.self) { try CooperativeGroundTruth().entries(for: frame(), egoID: "9") }
    }
}
