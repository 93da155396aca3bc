import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Listing and ordering of OPV2V scenario folders.
@Suite struct OPV2VScenarioTests {
    @Test func agentsAreOrderedAsOpenCOODOrdersThem() {
        #expect(OPV2VScenario.openCOODOrder(["-1", "1", "10", "2"]) == ["1", "10", "2", "-1"])
        #expect(OPV2VScenario.openCOODOrder(["2", "10", "1"]) == ["1", "10", "2"])
        // OpenCOOD moves only the first name when it is negative.
        #expect(OPV2VScenario.openCOODOrder(["5", "-1", "-2"]) == ["-2", "5", "-1"])
        #expect(OPV2VScenario.openCOODOrder([]) == [])
    }

    @Test func negativeIDsAreRoadsideUnits() {
        #expect(OPV2VScenario.kind(ofAgentID: "-1") == .roadsideUnit)
        #expect(OPV2VScenario.kind(ofAgentID: "1732") == .vehicle)
        #expect(OPV2VScenario.kind(ofAgentID: "0") == .vehicle)
    }

    @Test func defaultTimestampIsFrameNumberTimesTheSimulationStep() throws {
        #expect(try OPV2VScenario.defaultTimestamp(frameID: "000068") == Timestamp(nanoseconds: 3_400_000_000))
        #expect(throws: V2XError.self) { try OPV2VScenario.defaultTimestamp(frameID: "frame_a") }
    }

    @Test func listsTheFixtureScenario() throws {
        let scenario = try OPV2VScenario(directory: DatasetFixtures.url("opv2v/scenario"))
        #expect(scenario.name == "scenario")
        #expect(scenario.agentIDs == ["650", "659", "-1"])
        #expect(scenario.frameIDs == ["000068", "000070"])
    }

    @Test func ordersFoldersOnDisk() throws {
        let dir = try TemporaryDirectory()
        for agent in ["-1", "1", "10", "2", "empty"] {
            try FileManager.default.createDirectory(at: dir.file(agent), withIntermediateDirectories: true)
        }
        for agent in ["-1", "1", "10", "2"] {
            try "lidar_pose: [0, 0, 0, 0, 0, 0]\n".write(to: dir.file("\(agent)/000002.yaml"), atomically: true, encoding: .utf8)
        }
        try "x: 1\n".write(to: dir.file("1/000004_additional.yaml"), atomically: true, encoding: .utf8)
        try "lidar_pose: [0, 0, 0, 0, 0, 0]\n".write(to: dir.file("10/000010.yaml"), atomically: true, encoding: .utf8)
        let scenario = try OPV2VScenario(directory: dir.url)
        #expect(scenario.agentIDs == ["1", "10", "2", "-1"])
        // Frames sort by number, not by string; "additional" files are not frames.
        #expect(scenario.frameIDs == ["000002", "000010"])
    }

    @Test func missingOrEmptyFoldersAreNotFound() throws {
        let dir = try TemporaryDirectory()
        #expect { try OPV2VScenario(directory: dir.file("nope")) } throws: { ($0 as? V2XError)?.code == .notFound }
        #expect { try OPV2VScenario(directory: dir.url) } throws: { ($0 as? V2XError)?.code == .notFound }
    }

    @Test func frameIndexOutOfRangeIsAnError() throws {
        let scenario = try OPV2VScenario(directory: DatasetFixtures.url("opv2v/scenario"))
        #expect { try scenario.frame(at: 2) } throws: { ($0 as? V2XError)?.code == .invalidArgument }
        #expect { try scenario.frame(at: -1) } throws: { ($0 as? V2XError)?.code == .invalidArgument }
    }

    @Test func datasetListsScenarioFolders() throws {
        let dir = try TemporaryDirectory()
        for name in ["2021_08_23_b", "2021_08_22_a"] {
            try FileManager.default.createDirectory(at: dir.file("\(name)/5"), withIntermediateDirectories: true)
            try "lidar_pose: [0, 0, 0, 0, 0, 0]\n".write(to: dir.file("\(name)/5/000000.yaml"), atomically: true, encoding: .utf8)
        }
        let dataset = try OPV2VDataset(directory: dir.url)
        #expect(dataset.scenarioNames == ["2021_08_22_a", "2021_08_23_b"])
        #expect(try dataset.scenarios().map(\.name) == ["2021_08_22_a", "2021_08_23_b"])
        #expect { try dataset.scenario(named: "missing") } throws: { ($0 as? V2XError)?.code == .notFound }
    }
}
