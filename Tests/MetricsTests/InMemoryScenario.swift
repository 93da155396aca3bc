import Scenario
import V2XCore

/// A scenario held in memory, for tests that need a `ScenarioSource`.
struct InMemoryScenario: ScenarioSource {
    var name: String
    var frames: [ScenarioFrame]
    var agentIDs: [String] { frames.first?.agents.map(\.agentID) ?? [] }
    var frameIDs: [String] { frames.map(\.frameID) }

    func frame(at index: Int) throws -> ScenarioFrame {
        guard frames.indices.contains(index) else { throw V2XError(.notFound, "no frame \(index)") }
        return frames[index]
    }

    /// Two vehicles 40 m apart facing +x in the world and a roadside unit; car 1 stands
    /// 10 m ahead of the ego (seen by the ego), car 2 stands 10 m beyond the collaborator
    /// (seen only by it), car 3 is seen by nobody. Each sweep holds 20 returns on the
    /// cars it sees.
    static func twoCars(frames count: Int = 2) throws -> InMemoryScenario {
        let car1 = SceneObject(id: 1, box: Box3D(x: 10, y: 0, z: 0.8, l: 4, w: 2, h: 1.6, yaw: 0), speedMetersPerSecond: 0)
        let car2 = SceneObject(id: 2, box: Box3D(x: 50, y: 3, z: 0.8, l: 4.5, w: 2, h: 1.6, yaw: 0.3, label: .truck), speedMetersPerSecond: 0)
        let car3 = SceneObject(id: 3, box: Box3D(x: -30, y: -30, z: 0.8, l: 4, w: 2, h: 1.6, yaw: 0), speedMetersPerSecond: 0)
        func sweep(on boxes: [Box3D], from pose: Pose) throws -> PointCloud {
            var cloud = PointCloud()
            let toSensor = pose.inverse
            for box in boxes {
                for k in 0..<20 {
                    let p = toSensor.apply(SIMD3(box.x + Double(k % 5) * 0.3 - 0.6, box.y + Double(k / 5) * 0.3 - 0.45, box.z))
                    cloud.append(x: Float(p.x), y: Float(p.y), z: Float(p.z), intensity: 0.5)
                }
            }
            return cloud
        }
        let egoPose = Pose(x: 0, y: 0, z: 1.8, yaw: 0)
        let otherPose = Pose(x: 40, y: 0, z: 1.8, yaw: 0)
        let rsuPose = Pose(x: 20, y: -15, z: 5, yaw: 1.2)
        let objects = [car1, car2, car3]
        let frames = try (0..<count).map { i in
            ScenarioFrame(index: i, frameID: String(format: "%06d", 2 * i), agents: [
                AgentFrame(agentID: "-1", kind: .roadsideUnit, timestamp: Timestamp(nanoseconds: Int64(i) * 100_000_000),
                           lidarPose: rsuPose, points: PointCloud(), objects: objects),
                AgentFrame(agentID: "650", kind: .vehicle, timestamp: Timestamp(nanoseconds: Int64(i) * 100_000_000),
                           lidarPose: egoPose, points: try sweep(on: [car1.box], from: egoPose), objects: objects),
                AgentFrame(agentID: "659", kind: .vehicle, timestamp: Timestamp(nanoseconds: Int64(i) * 100_000_000),
                           lidarPose: otherPose, points: try sweep(on: [car2.box], from: otherPose), objects: objects),
            ])
        }
        return InMemoryScenario(name: "mem", frames: frames)
    }
}
