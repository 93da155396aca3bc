import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// `OPV2VWriter`'s checks (the round trip through `OPV2VScenario` is in
/// `OPV2VRoundTripTests`).
@Suite struct OPV2VWriterTests {
    static func agent(_ id: String, kind: AgentKind = .vehicle, pose: Pose = .identity) -> AgentFrame {
        AgentFrame(agentID: id, kind: kind, timestamp: Timestamp(nanoseconds: 0), lidarPose: pose, points: PointCloud(), objects: [])
    }

    @Test func createsTheScenarioFolder() throws {
        let dir = try TemporaryDirectory()
        let writer = try OPV2VWriter(scenarioDirectory: dir.file("split/scenario_1"))
        #expect(writer.encoding == .binaryCompressed)
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: dir.file("split/scenario_1").path, isDirectory: &isDirectory) && isDirectory.boolValue)
    }

    static let refused: [(ScenarioFrame, V2XError.Code)] = [
        (ScenarioFrame(index: 0, frameID: "000000", agents: [agent("car7")]), .invalidArgument),
        (ScenarioFrame(index: 0, frameID: "000000", agents: [agent("3", kind: .roadsideUnit)]), .invalidArgument),
        (ScenarioFrame(index: 0, frameID: "000000", agents: [agent("-3")]), .invalidArgument),
        (ScenarioFrame(index: 0, frameID: "000000", agents: [agent("1"), agent("1")]), .invalidArgument),
        (ScenarioFrame(index: 0, frameID: "../x", agents: [agent("1")]), .invalidArgument),
        (ScenarioFrame(index: 0, frameID: "000000", agents: [agent("1"), agent("2", pose: Pose(x: .nan, y: 0, z: 0, yaw: 0))]), .nonFiniteValue),
    ]

    /// Bad frames are refused before any file is written.
    @Test(arguments: 0..<refused.count)
    func refusesFramesOPV2VCannotHold(case index: Int) throws {
        let dir = try TemporaryDirectory()
        let writer = try OPV2VWriter(scenarioDirectory: dir.url, encoding: .ascii)
        let (frame, code) = Self.refused[index]
        #expect { try writer.write(frame) } throws: { ($0 as? V2XError)?.code == code }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.url.path).isEmpty)
    }

    @Test func refusesNonFiniteObjects() throws {
        let dir = try TemporaryDirectory()
        var agent = Self.agent("1")
        agent.objects = [SceneObject(id: 1, box: Box3D(x: 0, y: 0, z: 0, l: 1, w: 1, h: .infinity, yaw: 0), speedMetersPerSecond: 0)]
        #expect {
            try OPV2VWriter(scenarioDirectory: dir.url).write(ScenarioFrame(index: 0, frameID: "000000", agents: [agent]))
        } throws: { ($0 as? V2XError)?.code == .nonFiniteValue }
    }
}
