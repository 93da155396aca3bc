import Foundation
import Scenario
import Testing
import V2XCore
import V2XTestSupport

/// Pairing, ordering and error handling of a DAIR-V2X-C root.
@Suite struct DAIRV2XCScenarioTests {
    @Test func pairsTheFixtureFramesInTimeOrder() throws {
        let scenario = try DAIRV2XCScenario(root: DatasetFixtures.url("dair"))
        #expect(scenario.name == "dair")
        #expect(scenario.agentIDs == ["vehicle", "infrastructure"])
        // data_info.json lists 000012 first; the vehicle timestamps put 000010 first.
        #expect(scenario.frameIDs == ["000010", "000012"])
    }

    /// Copies the fixture root into a temporary folder and replaces one file's text.
    static func fixtureCopy(replacing relativePath: String, with text: String) throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        try FileManager.default.removeItem(at: dir.url)
        try FileManager.default.copyItem(at: DatasetFixtures.url("dair"), to: dir.url)
        try text.write(to: dir.file(relativePath), atomically: true, encoding: .utf8)
        return dir
    }

    static let pair = #"""
        "infrastructure_pointcloud_path": "infrastructure-side/velodyne/000009.pcd",
        "vehicle_pointcloud_path": "vehicle-side/velodyne/000010.pcd",
        "cooperative_label_path": "cooperative/label_world/000010.json"
        """#

    static let badCooperativeInfo: [(String, V2XError.Code, String)] = [
        ("[{\(pair), \"system_error_offset\": \"abc\"}]", .malformedData, "system_error_offset"),
        ("[{\(pair), \"system_error_offset\": {\"delta_x\": 1}}]", .notFound, "delta_y"),
        ("[{\(pair)}]", .notFound, "system_error_offset"),
        ("[{\(pair), \"system_error_offset\": \"\"}, {\(pair), \"system_error_offset\": \"\"}]", .malformedData, "paired twice"),
        (#"[{"infrastructure_pointcloud_path": "infrastructure-side/velodyne/000404.pcd", "vehicle_pointcloud_path": "vehicle-side/velodyne/000010.pcd", "cooperative_label_path": "x.json", "system_error_offset": ""}]"#, .notFound, "000404"),
        ("[]", .notFound, "no cooperative"),
    ]

    @Test(arguments: 0..<badCooperativeInfo.count)
    func badPairListsAreTypedErrorsNamingTheFile(case index: Int) throws {
        let (text, code, mention) = Self.badCooperativeInfo[index]
        let dir = try Self.fixtureCopy(replacing: "cooperative/data_info.json", with: text)
        #expect {
            try DAIRV2XCScenario(root: dir.url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == code && error.path == dir.file("cooperative/data_info.json").path && error.message.contains(mention)
        }
    }

    @Test func badSideTimestampIsATypedError() throws {
        let dir = try Self.fixtureCopy(
            replacing: "vehicle-side/data_info.json",
            with: #"[{"pointcloud_path": "velodyne/000010.pcd", "pointcloud_timestamp": "soon"}]"#
        )
        #expect {
            try DAIRV2XCScenario(root: dir.url)
        } throws: { error in
            guard let error = error as? V2XError else { return false }
            return error.code == .malformedData && error.path == dir.file("vehicle-side/data_info.json").path
        }
    }

    @Test func frameIndexOutOfRangeIsAnError() throws {
        let scenario = try DAIRV2XCScenario(root: DatasetFixtures.url("dair"))
        #expect { try scenario.frame(at: 2) } throws: { ($0 as? V2XError)?.code == .invalidArgument }
    }
}
